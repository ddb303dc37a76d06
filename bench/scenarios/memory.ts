/**
 * Memory per idle connection: the server's RSS (from /proc, after two full collections) at each
 * level of idle connections, and the least-squares slope across the levels, bytes per connection.
 * The connections are fresh: opened, given their opening bytes, and left alone.
 */
import { ensureConnections, type BenchContext } from "../context.ts";
import { round } from "../histogram.ts";

export interface MemoryResult {
  baselineRssBytes: number;
  levels: { connections: number; rssBytes: number }[];
  bytesPerConnection: number | null;
}

export function slope(points: { x: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const meanX = points.reduce((a, p) => a + p.x, 0) / points.length;
  const meanY = points.reduce((a, p) => a + p.y, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((a, p) => a + (p.x - meanX) * (p.y - meanY), 0) / sxx;
}

/** Expects no connections open; leaves the last level open. */
export async function runMemory(ctx: BenchContext): Promise<MemoryResult> {
  const baselineRssBytes = await ctx.server.rssAfterGc();
  const levels: MemoryResult["levels"] = [];
  for (const connections of ctx.settings.memoryLevels) {
    await ensureConnections(ctx, connections);
    await ctx.server.waitForSubscribers(connections, 30_000);
    const rssBytes = await ctx.server.rssAfterGc();
    levels.push({ connections, rssBytes });
    ctx.log(`memory: ${connections} idle connections, RSS ${(rssBytes / 2 ** 20).toFixed(1)} MiB`);
  }
  const perConnection = slope(levels.map((l) => ({ x: l.connections, y: l.rssBytes })));
  return { baselineRssBytes, levels, bytesPerConnection: perConnection === null ? null : round(perConnection, 0) };
}
