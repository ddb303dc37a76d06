/**
 * Fan-out capacity: the highest delivered events/s (events × clients) whose p99 latency stays within
 * the bound (50 ms; 250 ms for the large population, bench/settings.ts), with nothing lost. Events are published open-loop in ticks; a step runs one
 * offered rate, then every client must have every event of the step.
 *
 * Search: after a warm-up, a doubling sweep finds the last passing rate; each repeat then climbs from
 * that rate in quarter-octaves until a step fails, and its figure is the best delivered rate it passed.
 */
import { ensureConnections, type BenchContext } from "../context.ts";
import { percentileMs, round, stat, type Stat } from "../histogram.ts";
import { publishSteady } from "../publisher.ts";
import type { Settings } from "../settings.ts";

export interface FanoutStep {
  phase: "sweep" | "repeat";
  /** Events per second published (each to every client). */
  eventsPerSecond: number;
  /** Offered deliveries per second: eventsPerSecond × clients. */
  offered: number;
  /** Deliveries per second achieved: received ÷ (last arrival − first tick), at least the step's duration. */
  delivered: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  lost: number;
  missing: number;
  skipped: number;
  /** CPU used during the step, in cores (1 = one core busy all along). */
  serverCores: number;
  clientCores: number;
  pass: boolean;
}

export interface FanoutResult {
  clients: number;
  tickMs: number;
  /** The capacity: one figure per repeat. */
  deliveredPerSecond: Stat;
  /** p99 of the step that gave each repeat's figure. */
  p99Ms: Stat;
  /** What ran out at the first failing rate: `server` or `client` CPU, else `latency` (neither was busy). */
  limitedBy: "server" | "client" | "latency" | null;
  steps: FanoutStep[];
}

/** Ticks long enough that the clients are not flooded with reads, short enough to fit the bound. */
export function tickMsFor(clients: number): number {
  return Math.min(200, Math.max(10, Math.round(clients / 50)));
}

/** The p99 bound of a step: the large population has its own (bench/settings.ts). */
export const p99BoundFor = (settings: Settings, clients: number): number =>
  clients === settings.largeClients ? settings.largeP99BoundMs : settings.p99BoundMs;

/** Never offer more than this (deliveries/s): the loopback and the clients stop well before. */
const MAX_OFFERED = 8_000_000;
const QUARTER_OCTAVE = 2 ** 0.25;

export async function measureStep(ctx: BenchContext, clients: number, eventsPerSecond: number, tickMs: number, durationMs: number, phase: FanoutStep["phase"]): Promise<FanoutStep> {
  await ensureConnections(ctx, clients);
  const { server, pool, settings } = ctx;
  // At low rates a tick carries at least one event, and a step at least three ticks.
  tickMs = Math.max(tickMs, 1000 / eventsPerSecond);
  durationMs = Math.max(durationMs, 3 * tickMs);
  const step = ctx.nextStep();
  await pool.begin(step);
  const cpuBefore = server.cpuMs();
  const startedAt = performance.now();
  const sent = await publishSteady(server, { step, eventsPerSecond, tickMs, durationMs, eventBytes: settings.eventBytes });
  const result = await pool.collect(step, sent.published, 1000);
  const elapsedMs = performance.now() - startedAt;
  const serverCores = (server.cpuMs() - cpuBefore) / elapsedMs;
  if (!result.complete) {
    // Not measured: the backlog must be gone before the next step.
    const drained = await pool.collect(step, sent.published, 15_000);
    if (!drained.complete && drained.missing > 0 && drained.lost === 0) throw new Error(`server did not drain: ${drained.missing} deliveries missing after 15 s`);
  }
  // From the first tick to the last arrival, and never shorter than the publishing itself (at low
  // rates a step holds a handful of events, and one event's latency is no measure of a rate).
  const windowMs = result.lastArrivalMs === null ? NaN : Math.max(durationMs, result.lastArrivalMs - startedAt);
  const p99Ms = percentileMs(result.histogram, 99);
  const lost = result.lost;
  const bound = p99BoundFor(settings, clients);
  const pass = result.complete && lost === 0 && sent.skipped === 0 && sent.failedRequests === 0 && p99Ms !== null && p99Ms <= bound;
  return {
    phase,
    eventsPerSecond: round(eventsPerSecond, 2),
    offered: Math.round(eventsPerSecond * clients),
    delivered: Number.isFinite(windowMs) && windowMs > 0 ? Math.round(result.received / (windowMs / 1000)) : null,
    p50Ms: percentileMs(result.histogram, 50),
    p99Ms,
    lost,
    missing: result.missing,
    skipped: sent.skipped,
    serverCores: round(serverCores, 2),
    clientCores: round(result.cpuMs / elapsedMs, 2),
    pass,
  };
}

function limitedBy(step: FanoutStep | undefined): FanoutResult["limitedBy"] {
  if (!step) return null;
  if (step.serverCores >= 0.9) return "server";
  if (step.clientCores >= 0.9) return "client";
  return "latency";
}

export async function runFanout(ctx: BenchContext, clients: number): Promise<FanoutResult> {
  const { settings } = ctx;
  const tickMs = tickMsFor(clients);
  const steps: FanoutStep[] = [];
  const run = async (rate: number, phase: FanoutStep["phase"]) => {
    const step = await measureStep(ctx, clients, rate, tickMs, settings.fanoutStepMs, phase);
    steps.push(step);
    ctx.log(`fan-out ${clients}: ${step.offered}/s offered, ${step.delivered ?? "-"}/s delivered, p99 ${step.p99Ms} ms${step.pass ? "" : " (fails)"}`);
    return step;
  };
  const maxRate = MAX_OFFERED / clients;
  // Warm-up: the first events through a fresh publish and write path run unoptimised code (a p99 of
  // hundreds of ms on Node), which says nothing about capacity.
  await measureStep(ctx, clients, 50_000 / clients, tickMs, 1000, "sweep");
  // The sweep starts at one event per tick and doubles; a failing rate is tried twice (a shared
  // machine has hiccups) before the sweep stops.
  let passing: number | null = null;
  for (let rate = 1000 / tickMs; rate <= maxRate; rate *= 2) {
    if (!(await run(rate, "sweep")).pass && !(await run(rate, "sweep")).pass) break;
    passing = rate;
  }
  const runs: (number | null)[] = [];
  const p99s: (number | null)[] = [];
  if (passing !== null) {
    for (let repeat = 0; repeat < settings.repeats; repeat++) {
      let best: FanoutStep | null = null;
      for (let rate: number = passing; rate <= maxRate && rate <= passing * 2; rate *= QUARTER_OCTAVE) {
        const step = await run(rate, "repeat");
        if (step.pass) {
          if (best === null || (step.delivered ?? 0) > (best.delivered ?? 0)) best = step;
        } else if (best === null && rate === passing) {
          // The sweep's rate failed this time (a shared machine has hiccups): down by quarter-octaves,
          // at most one octave, before giving up on this repeat.
          for (let lower = passing / QUARTER_OCTAVE; lower >= passing / 2 - 1e-9; lower /= QUARTER_OCTAVE) {
            const step = await run(lower, "repeat");
            if (step.pass) {
              best = step;
              break;
            }
          }
          break;
        } else break;
      }
      runs.push(best?.delivered ?? null);
      p99s.push(best?.p99Ms ?? null);
    }
  }
  return {
    clients,
    tickMs,
    deliveredPerSecond: stat(runs),
    p99Ms: stat(p99s),
    limitedBy: limitedBy(steps.find((s) => !s.pass)),
    steps,
  };
}
