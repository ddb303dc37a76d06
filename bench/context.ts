/** What every scenario works with: the server, the load clients, the settings, a log line. */
import type { BenchServer } from "./bench-server.ts";
import type { ClientPool } from "./client-pool.ts";
import type { Settings } from "./settings.ts";

export interface BenchContext {
  server: BenchServer;
  pool: ClientPool;
  settings: Settings;
  /** A fresh step id: events carry it, so late ones from an earlier step are never counted. */
  nextStep(): number;
  log(message: string): void;
}

/** Brings the load clients to `count` live connections (after losses, or to grow). */
export async function ensureConnections(ctx: BenchContext, count: number): Promise<void> {
  const { live } = await ctx.pool.status();
  if (live >= count) return;
  const result = await ctx.pool.open(ctx.server.port, "/events", count - live, {
    concurrency: 256,
    timeoutMs: 10_000,
    deadlineMs: 120_000,
  });
  if (result.live < count) throw new Error(`only ${result.live} of ${count} connections opened: ${JSON.stringify(result.errors)}`);
}
