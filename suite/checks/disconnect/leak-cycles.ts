/**
 * What both leak checks (disconnect.no-leak, disconnect.no-leak-long) run on: connect/disconnect
 * cycles paced by the server, the heap after a full GC, the baseline they start from, and the fitted
 * growth per cycle.
 */
import { fail, skip, type Verdict } from "../../model/results.ts";
import type { CheckContext } from "../../harness/check.ts";
import { collectGarbage, openStream, type OpenedStream } from "../../harness/control.ts";
import type { ServerProcess } from "../../harness/server-process.ts";
import { close } from "../lib/server-output.ts";

export const WARMUP_CYCLES = 20;
/** Bound on each wait of a cycle: the stream's opening, then the drop after the close. */
export const CYCLE_BOUND_MS = 3000;

/** Heap after a full collection; two in a row, as one V8 GC can leave what finalizers only then released. */
export async function heapAfterGc(server: ServerProcess): Promise<{ collected: boolean; heapUsed: number; rss: number }> {
  await collectGarbage(server);
  const { collected, memory } = await collectGarbage(server);
  return { collected, heapUsed: memory.heapUsed, rss: memory.rss };
}

/**
 * One connect/disconnect cycle, paced by the server: the stream is up (its `retry:` arrived) before we
 * close, and the next cycle starts only once the server reported the subscriber dropped.
 */
async function cycle(server: ServerProcess, n: number): Promise<{ ok: true } | { ok: false; why: string }> {
  let opened: OpenedStream;
  try {
    opened = await openStream(server);
  } catch (error) {
    return { ok: false, why: `cycle ${n}: could not open a stream: ${(error as Error).message}` };
  }
  const { client, sub } = opened;
  await client.waitUntil(() => client.retries.length > 0 || client.end !== undefined, CYCLE_BOUND_MS, "the stream's retry field");
  const gone = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === sub, CYCLE_BOUND_MS, "unsubscribed");
  gone.catch(() => {});
  close(client, n % 2 === 0 ? "fin" : "rst");
  try {
    await gone;
    return { ok: true };
  } catch {
    return { ok: false, why: `cycle ${n}: subscriber ${sub} not dropped within ${CYCLE_BOUND_MS} ms of the close` };
  }
}

/** `count` cycles numbered from `from`, one after the other: the first problem, or undefined. */
export async function cycles(server: ServerProcess, from: number, count: number): Promise<string | undefined> {
  for (let n = from; n < from + count; n++) {
    const result = await cycle(server, n);
    if (!result.ok) return result.why;
  }
  return undefined;
}

/**
 * What both leak checks start from: a server without the demo producer, the warm-up cycles done (the
 * runtime's own first-use allocations), and the heap after a full GC; a target that exposes no GC
 * skips, and a failed warm-up fails.
 */
export async function leakBaseline(ctx: CheckContext): Promise<{ server: ServerProcess; baseline: Awaited<ReturnType<typeof heapAfterGc>> } | Verdict> {
  const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
  const warmupProblem = await cycles(server, 0, WARMUP_CYCLES);
  if (warmupProblem) return fail(`warm-up: ${warmupProblem}`);
  const baseline = await heapAfterGc(server);
  if (!baseline.collected) return skip(`${ctx.target.id} exposes no full GC (POST /control/gc: collected false): heap after GC cannot be measured`);
  return { server, baseline };
}

/** The least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxy / sxx;
}
