/**
 * Churn: clients connecting, waiting for the stream's first bytes and leaving, in `churnConcurrency`
 * loops at once: connects (each with its disconnect) per second and time to first byte of the
 * stream. Afterwards the server must be back to 0 subscribers and its RSS within 10% of before.
 */
import type { BenchContext } from "../context.ts";
import { percentileMs, round, stat, type Stat } from "../histogram.ts";

export interface ChurnResult {
  concurrency: number;
  cyclesPerSecond: Stat;
  /** From connect to the first body bytes (the stream's opening `retry:`), ms. */
  ttfbP50Ms: Stat;
  ttfbP99Ms: Stat;
  failed: number;
  errors: Record<string, number>;
  subscribersAfter: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** (after − before) ÷ before. */
  rssGrowth: number;
  /** Back to 0 subscribers and RSS growth at most 10%. */
  clean: boolean;
}

export async function runChurn(ctx: BenchContext): Promise<ChurnResult> {
  const { server, pool, settings } = ctx;
  const once = async (durationMs: number) => {
    const result = await pool.churn(server.port, "/events", settings.churnConcurrency, durationMs);
    // Bounded, and not fatal: a server that keeps subscribers is what `subscribersAfter` shows.
    await server.waitForSubscribers(0, 15_000).catch(() => {});
    return result;
  };
  await once(settings.churnMs / 2); // warm-up: the connection path compiled, pools grown
  const rssBeforeBytes = await server.rssAfterGc();
  const rates: number[] = [];
  const p50s: (number | null)[] = [];
  const p99s: (number | null)[] = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  for (let i = 0; i < settings.repeats; i++) {
    const result = await once(settings.churnMs);
    rates.push(round(result.cycles / (result.durationMs / 1000), 0));
    p50s.push(percentileMs(result.histogram, 50));
    p99s.push(percentileMs(result.histogram, 99));
    failed += result.failed;
    for (const [key, count] of Object.entries(result.errors)) errors[key] = (errors[key] ?? 0) + count;
    ctx.log(`churn: ${rates[i]} connects/s, first byte p99 ${p99s[i]} ms`);
  }
  const subscribersAfter = server.subscribers();
  const rssAfterBytes = await server.rssAfterGc();
  const rssGrowth = round((rssAfterBytes - rssBeforeBytes) / rssBeforeBytes, 3);
  return {
    concurrency: settings.churnConcurrency,
    cyclesPerSecond: stat(rates),
    ttfbP50Ms: stat(p50s),
    ttfbP99Ms: stat(p99s),
    failed,
    errors,
    subscribersAfter,
    rssBeforeBytes,
    rssAfterBytes,
    rssGrowth,
    clean: subscribersAfter === 0 && rssGrowth <= 0.1,
  };
}
