/**
 * Disconnect detection: from the client's close (FIN, as a closing tab sends) to the server's
 * `unsubscribed` record. The record's time is the server's own (`t`), put on the coordinator's clock
 * (BenchServer.clockOffsetMs), so the pipe that carries it adds nothing. One probe at a time, each a
 * fresh stream that has received its opening bytes.
 */
import { openStream } from "../../suite/harness/control.ts";
import type { BenchContext } from "../context.ts";
import { round, stat, type Stat } from "../histogram.ts";
import { percentile } from "../../suite/model/percentile.ts";

export interface DisconnectResult {
  p50Ms: Stat;
  p99Ms: Stat;
  maxMs: number | null;
  samples: number;
  /** Probes whose unsubscribe never came within the bound. */
  missed: number;
}

interface Probe {
  closedAt: number;
  serverT: number | null;
}

async function probe(ctx: BenchContext): Promise<Probe> {
  const server = ctx.server.process;
  const opened = await openStream(server, { path: "/events", timeoutMs: 5000 });
  try {
    await opened.client.waitUntil(() => opened.client.bodyChunks.length > 0 || opened.client.end !== undefined, 5000, "opening bytes");
  } catch (error) {
    opened.client.socket.destroy();
    throw error;
  }
  const unsubscribed = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === opened.sub, 5000, "unsubscribed record");
  const closedAt = opened.client.closeFin();
  try {
    const record = await unsubscribed;
    return { closedAt, serverT: typeof record.t === "number" ? record.t : null };
  } catch {
    return { closedAt, serverT: null };
  }
}

/** `count` probes one after the other; latencies in ms. */
export async function probeDisconnects(ctx: BenchContext, count: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (let i = 0; i < count; i++) probes.push(await probe(ctx));
  return probes;
}

/** Summarises the probes of each repeat, with the clock offset known once all records are in. */
export function summariseDisconnects(ctx: BenchContext, repeats: Probe[][]): DisconnectResult {
  const offset = ctx.server.clockOffsetMs();
  const latencies = repeats.map((probes) =>
    probes
      .filter((p) => p.serverT !== null)
      .map((p) => Math.max(0, p.serverT! + offset - p.closedAt))
      .sort((a, b) => a - b),
  );
  const all = latencies.flat().sort((a, b) => a - b);
  const r3 = (v: number | null) => (v === null ? null : round(v, 3));
  return {
    p50Ms: stat(latencies.map((l) => r3(percentile(l, 50)))),
    p99Ms: stat(latencies.map((l) => r3(percentile(l, 99)))),
    maxMs: r3(all.length ? all[all.length - 1]! : null),
    samples: all.length,
    missed: repeats.flat().filter((p) => p.serverT === null).length,
  };
}

export async function runIdleDisconnects(ctx: BenchContext): Promise<DisconnectResult> {
  await probeDisconnects(ctx, Math.ceil(ctx.settings.probes / 3)); // warm-up
  const repeats: Probe[][] = [];
  for (let i = 0; i < ctx.settings.repeats; i++) repeats.push(await probeDisconnects(ctx, ctx.settings.probes));
  return summariseDisconnects(ctx, repeats);
}
