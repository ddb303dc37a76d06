/**
 * Group F of CHECKS.md: a client that stops reading (the seed's "client queue is full, message
 * dropped"). The server must bound what it holds for it, apply its declared policy, and keep serving
 * a fast client beside it.
 */
import { censored, fail, measured, pass } from "../model/results.ts";
import { type Check } from "../harness/check.ts";
import { openStream, publish, stats } from "../harness/control.ts";
import { round } from "../harness/wait.ts";
import { ascending, percentile } from "../model/percentile.ts";

const EVENT_BYTES = 100_000;
const TOTAL_BYTES = 20_000_000;
const RSS_BOUND_MB = 50;
const FAST_P99_BOUND_MS = 50;

interface ServerStats {
  subscribers: number;
  overflowPolicy?: string;
  overflowed?: number;
  dropped?: number;
  memory: { rss: number };
}

export const backpressureSlowClient: Check = {
  id: "backpressure.slow-client",
  group: "F",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "a client that stops reading while 20 MB is published: server RSS grows less than 50 MB, the slow client is handled as the dispatcher's policy says (reported), and a fast client beside it keeps p99 delivery under 50 ms",
  bounds: { publishedBytes: TOTAL_BYTES, rssGrowthMb: RSS_BOUND_MB, fastP99Ms: FAST_P99_BOUND_MS },
  figure: { unit: "MB", label: "RSS growth", bound: "rssGrowthMb" },
  calibration: {
    "unbounded-client-queue": /no policy applied: the server reported no overflow/,
    "slow-client-blocks-others": /at the fast client: no result within|fast client's p99 delivery/,
  },
  timeoutMs: 90_000,
  exclusive: true,
  async run(ctx) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", SSE_HEARTBEAT_MS: "0" } });
    const slow = await openStream(server);
    await slow.client.waitForHead(5000);
    slow.client.pause();
    const fast = await openStream(server);
    await fast.client.waitForHead(5000);

    const before = (await stats(server)) as unknown as ServerStats;
    let peakRss = before.memory.rss;
    const delays: number[] = [];
    const events = TOTAL_BYTES / EVENT_BYTES;
    for (let i = 0; i < events; i++) {
      const { id, sentAt } = await publish(server, { event: "bulk", size: EVENT_BYTES });
      const arrived = await fast.client.waitForEvent((e) => e.id === String(id), 10_000, `event ${id} at the fast client`);
      delays.push(arrived.at - sentAt);
      if (i % 20 === 19) peakRss = Math.max(peakRss, ((await stats(server)) as unknown as ServerStats).memory.rss);
    }
    const after = (await stats(server)) as unknown as ServerStats;
    peakRss = Math.max(peakRss, after.memory.rss);

    const growthMb = round((peakRss - before.memory.rss) / 1e6);
    const sortedDelays = ascending(delays);
    const p99 = round(percentile(sortedDelays, 99) ?? NaN);
    const slowEnd = server.records.find((r) => r.type === "unsubscribed" && r.sub === slow.sub);
    const overflow = server.records.find((r) => r.type === "overflow" && r.sub === slow.sub);
    const handling = overflow
      ? `policy ${overflow.policy} applied after ${overflow.queuedBytes} queued bytes${slowEnd ? `, subscriber ended by ${slowEnd.mechanism}` : ""}`
      : "no policy applied: the server reported no overflow for the slow client";
    const evidence = {
      published: { events, eventBytes: EVENT_BYTES },
      rssBeforeMb: round(before.memory.rss / 1e6),
      rssPeakMb: round(peakRss / 1e6),
      fastClient: { p50: round(percentile(sortedDelays, 50) ?? NaN), p99, max: round(Math.max(...delays)) },
      slowClient: { bytesReceived: slow.client.bytesReceived, handling, policy: after.overflowPolicy ?? null, overflowed: after.overflowed ?? null, dropped: after.dropped ?? null },
    };
    const figure = measured(growthMb);
    slow.client.socket.destroy();
    fast.client.socket.destroy();

    const problems: string[] = [];
    if (growthMb >= RSS_BOUND_MB) problems.push(`RSS grew ${growthMb} MB (bound ${RSS_BOUND_MB})`);
    if (p99 >= FAST_P99_BOUND_MS) problems.push(`the fast client's p99 delivery was ${p99} ms (bound ${FAST_P99_BOUND_MS})`);
    if (!overflow) problems.push(handling);
    if (problems.length) return fail(problems.join("; "), figure, evidence);
    return pass(`RSS grew ${growthMb} MB, fast client p99 ${p99} ms; slow client: ${handling}`, figure, evidence);
  },
};


// ---------------------------------------------------------------------------------------------
// backpressure.pull: group H

const PULL_OBSERVE_MS = 5000;
const PULL_BOUND_BYTES = 16 * 1024 * 1024;
const MIB = 1024 * 1024;

export const backpressurePull: Check = {
  id: "backpressure.pull",
  group: "H",
  kind: "fact",
  needs: ["records", "control", "probes"],
  passes:
    "a plain pull-based stream (highWaterMark 1, 64 KiB per pull) to a client that reads the head and then stops: after 5 s, the runtime has pulled less than 16 MiB beyond what the client received",
  bounds: { observeMs: PULL_OBSERVE_MS, beyondBytes: PULL_BOUND_BYTES },
  figure: { unit: "MB", label: "pulled beyond what the client took" },
  calibration: {
    "pulls-without-backpressure": /pulled at least [\d.]+ MiB beyond what the client received \(the probe's cap\)|pulled [\d.]+ MiB beyond what the client received/,
  },
  timeoutMs: 20_000,
  async run(ctx) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
    const client = await server.connect({ path: "/probe/pull" });
    await client.waitUntil(() => client.bodyChunks.length > 0 || client.end !== undefined, 3000, "the probe's first bytes");
    client.pause();
    const pausedAt = performance.now();
    // The observation window: 5 s, or less if the probe hits its cap (a runaway pull) before.
    const capped = await server.waitForRecord((r) => r.type === "probe-pull-capped", PULL_OBSERVE_MS).catch(() => undefined);
    const pulled = Math.max(0, ...server.recordsOf("probe-pulled").map((r) => Number(r.bytes)), capped ? Number(capped.bytes) : 0);
    const received = client.bytesReceived;
    const beyondMib = round((pulled - received) / MIB, 2);
    const evidence = { pulledBytes: pulled, receivedBytes: received, capped: Boolean(capped), observedMs: round(performance.now() - pausedAt), granularity: "the probe reports every MiB pulled", end: client.end ?? null };
    const figure = capped ? censored(beyondMib) : measured(Math.max(0, beyondMib));
    if (client.end) return fail(`the stream ended (${client.end.how}) while the client was not reading`, figure, evidence);
    // The cap can be hit before the client is paused (deno-node 2.7.12 pulled 64 MiB before the first bytes were read): say so, never a negative time.
    const when = capped && capped.at > pausedAt ? `within ${round(capped.at - pausedAt)} ms` : "before the client had stopped reading";
    if (capped) return fail(`the runtime pulled at least ${beyondMib} MiB beyond what the client received (the probe's cap) ${when}`, figure, evidence);
    if (pulled - received >= PULL_BOUND_BYTES) return fail(`the runtime pulled ${beyondMib} MiB beyond what the client received in ${PULL_OBSERVE_MS} ms (bound 16 MiB)`, figure, evidence);
    return pass(`after ${PULL_OBSERVE_MS} ms, ${round(pulled / MIB, 1)} MiB pulled, ${round(received / MIB, 2)} MiB received: ${Math.max(0, beyondMib)} MiB beyond (bound 16 MiB)`, figure, evidence);
  },
};
