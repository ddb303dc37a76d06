/**
 * The most connections a server holds: connections are opened up to the server's open-files limit
 * (one connection is one file) and the figure is the highest subscriber count it reported. Then
 * every connection is closed, and the server must come back to 0 subscribers.
 */
import type { BenchContext } from "../context.ts";

export interface MaxConnectionsResult {
  attempted: number;
  held: number;
  /** Why the others failed, as the clients saw it (error code, timeout, status). */
  errors: Record<string, number>;
  /** The server was still running afterwards. */
  survived: boolean;
  backToZero: boolean;
}

export async function runMaxConnections(ctx: BenchContext, attempted: number): Promise<MaxConnectionsResult> {
  const { server, pool } = ctx;
  const { live } = await pool.status();
  const opened = await pool.open(server.port, "/events", Math.max(0, attempted - live), { concurrency: 256, timeoutMs: 5000, deadlineMs: 120_000 });
  const held = server.maxSubscribers();
  ctx.log(`max connections: ${held} held of ${attempted} attempted`);
  await pool.close();
  let backToZero = !server.process.hasExited;
  if (backToZero) backToZero = await server.waitForSubscribers(0, 60_000).then(() => true, () => false);
  return { attempted, held, errors: opened.errors, survived: !server.process.hasExited, backToZero };
}
