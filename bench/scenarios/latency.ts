/**
 * Latency at a fixed load: `clients` × `latencyRate` events/s (1,000 × 100), one event per tick of
 * 1000/rate ms. While it runs, disconnect probes measure detection under load.
 */
import type { BenchContext } from "../context.ts";
import { stat, type Stat } from "../histogram.ts";
import { probeDisconnects, summariseDisconnects, type DisconnectResult } from "./disconnect.ts";
import { measureStep } from "./fanout.ts";

export interface LatencyResult {
  clients: number;
  eventsPerSecond: number;
  p50Ms: Stat;
  p99Ms: Stat;
  /** Deliveries missing or connections lost in any repeat: the load was not carried. */
  carried: boolean;
}

export async function runLatency(ctx: BenchContext): Promise<{ latency: LatencyResult; disconnectUnderLoad: DisconnectResult }> {
  const { settings } = ctx;
  const tickMs = 1000 / settings.latencyRate;
  await measureStep(ctx, settings.clients, settings.latencyRate, tickMs, settings.latencyMs / 2, "sweep"); // warm-up
  const p50s: (number | null)[] = [];
  const p99s: (number | null)[] = [];
  const probes = [];
  let carried = true;
  for (let i = 0; i < settings.repeats; i++) {
    const [step, probed] = await Promise.all([
      measureStep(ctx, settings.clients, settings.latencyRate, tickMs, settings.latencyMs, "repeat"),
      probeDisconnects(ctx, settings.probes),
    ]);
    p50s.push(step.p50Ms);
    p99s.push(step.p99Ms);
    probes.push(probed);
    if (step.lost > 0 || step.missing > 0 || step.skipped > 0) carried = false;
    ctx.log(`latency ${settings.clients} x ${settings.latencyRate}/s: p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms`);
  }
  return {
    latency: { clients: settings.clients, eventsPerSecond: settings.latencyRate, p50Ms: stat(p50s), p99Ms: stat(p99s), carried },
    disconnectUnderLoad: summariseDisconnects(ctx, probes),
  };
}
