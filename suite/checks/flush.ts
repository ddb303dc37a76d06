/**
 * Group B of the catalogue (CHECKS.md): does every byte the app writes leave at once, whole and exact?
 * Seed row "properly sends chunks".
 *
 * Latencies are measured on the harness clock from the moment the publish request is sent to the
 * arrival of the bytes that complete the event at the raw client. That includes the POST itself, so
 * every delay is an upper bound on the server's flushing delay.
 *
 * Bun batches stream chunks as it likes (oven-sh/bun#13944): the client parses SSE frames and never
 * counts on one read per event, except where a check asks exactly that ("one at a time").
 *
 * Every flush check is declared here; what they share is beside this file, in flush/: the warmed-up
 * stream and the timing of one event on it (warm-stream.ts), flush.per-event on a black box
 * (black-box.ts) and the payloads of flush.large and flush.utf8 (payloads.ts).
 */
import { censored, fail, measured, pass } from "../model/results.ts";
import type { Check, CheckContext } from "../harness/check.ts";
import { isBlackBox } from "./lib/own-events.ts";
import { openStream, publish } from "../harness/control.ts";
import { round } from "../harness/wait.ts";
import { timeScheduledEvents } from "./lib/scheduled-events.ts";
import { flushOwnEvents } from "./flush/black-box.ts";
import { firstDifference, positionalText, splitsInsideCharacters, utf8Payloads } from "./flush/payloads.ts";
import { byId, EVENT_OBSERVE_MS, openWarmStream, publishAndTime } from "./flush/warm-stream.ts";

const HEAD_BOUND_MS = 200;
/** How long to keep waiting past a bound, to report a late figure rather than only "late". */
const HEAD_OBSERVE_MS = 2000;
const EVENT_BOUND_MS = 30;
const PER_EVENT_COUNT = 10;
const PER_EVENT_SPACING_MS = 100;
const LARGE_BYTES = 1024 * 1024;
const LARGE_OBSERVE_MS = 10_000;

/** No demo producer: the only events on the stream are the ones the check publishes. */
const QUIET = { SSE_PRODUCER_MS: "0" };

export const flushHeaders: Check = {
  id: "flush.headers",
  group: "B",
  kind: "fact",
  needs: ["records", "control"],
  passes: "status line and headers arrive within 200 ms, before any event is published",
  bounds: { headMs: HEAD_BOUND_MS, observeMs: HEAD_OBSERVE_MS },
  figure: { unit: "ms", label: "headers after request", bound: "headMs" },
  calibration: {
    "withholds-headers": /header block was not complete within \d+ ms; it was completed only with the first event/,
  },
  timeoutMs: 15_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    // Measured from before the TCP connect: the figure includes the (loopback) handshake.
    const requestedAt = performance.now();
    const client = await server.connect({ path: "/events?mitigations=0" });
    // The bytes as they came, to show a head that starts but is not finished (no blank line yet).
    const raw: { afterMs: number; text: string }[] = [];
    client.socket.on("data", (data: Buffer) => raw.push({ afterMs: round(performance.now() - requestedAt, 2), text: data.toString("latin1").slice(0, 300) }));
    const subscribed = await server.waitForRecord((r) => r.type === "subscribed", HEAD_OBSERVE_MS, "subscribed record").catch(() => undefined);
    const head = await client.waitForHead(HEAD_OBSERVE_MS).catch(() => undefined);
    const evidence: Record<string, unknown> = {
      handlerRanAfterMs: subscribed ? round(subscribed.at - requestedAt, 2) : null,
      firstByteAfterMs: client.firstByteAt === undefined ? null : round(client.firstByteAt - requestedAt, 2),
      eventsPublishedBeforeHead: 0,
    };
    if (!head) {
      // Nothing is published before this point. Does the head come out with the first body chunk?
      const first = await publish(server, { event: "first", data: "x" });
      const late = await client.waitForHead(HEAD_OBSERVE_MS).catch(() => undefined);
      const withFirstChunk = late ? round(late.at - first.sentAt, 2) : null;
      const started = evidence.firstByteAfterMs === null || (client.firstByteAt ?? Infinity) > first.sentAt ? "" : `the status line came after ${evidence.firstByteAfterMs} ms but `;
      return fail(
        late
          ? `${started}the header block was not complete within ${HEAD_OBSERVE_MS} ms; it was completed only with the first event, ${withFirstChunk} ms after that was published (head held back until the first body chunk)`
          : `no complete status line and headers within ${HEAD_OBSERVE_MS} ms, nor after an event was published`,
        censored(HEAD_OBSERVE_MS),
        { ...evidence, headCompletedAfterFirstPublishMs: withFirstChunk, statusLine: late?.statusLine ?? null, raw },
      );
    }
    const ms = round(head.at - requestedAt, 2);
    const figure = measured(ms);
    const seen = { ...evidence, statusLine: head.statusLine, headers: head.headers, bodyChunksWithHead: client.bodyChunks.length, raw };
    if (head.status !== 200) return fail(`status ${head.status} instead of 200`, figure, seen);
    if (ms > HEAD_BOUND_MS) return fail(`status line and headers only after ${ms} ms (bound ${HEAD_BOUND_MS} ms), with no event published`, figure, seen);
    return pass(`status line and headers after ${ms} ms, before any event was published`, figure, seen);
  },
};

export const flushPerEvent: Check = {
  id: "flush.per-event",
  group: "B",
  kind: "outcome",
  needs: [],
  passes:
    "10 events published 100 ms apart each reach the client within 30 ms of publication, one at a time. A black box (no records, no control): 6 of its own events, at its stated cadence, each in a read of its own",
  seed: "properly sends chunks",
  bounds: { delayMs: EVENT_BOUND_MS, observeMs: EVENT_OBSERVE_MS, eventsCount: PER_EVENT_COUNT, spacingMs: PER_EVENT_SPACING_MS },
  figure: { unit: "ms", label: "worst delay", bound: "delayMs" },
  calibration: {
    "buffers-events": /^later than 30 ms after publication/,
  },
  blackBoxCalibration: {
    "buffers-events": /^own events .* arrived in one read with the event before/,
  },
  timeoutMs: 20_000,
  // Alone: on a 2-core machine, servers starting beside it add 20-30 ms to a POST now and then
  // (measured), which would be the neighbours' figure, not the runtime's.
  exclusive: true,
  async run(ctx) {
    if (isBlackBox(ctx.target)) return flushOwnEvents(ctx);
    const server = await ctx.start({ env: QUIET });
    const { client } = await openWarmStream(server);
    const { sent, delays } = await timeScheduledEvents(client, { count: PER_EVENT_COUNT, spacingMs: PER_EVENT_SPACING_MS, observeMs: EVENT_OBSERVE_MS }, async (i) => {
      const published = await publish(server, { event: "timed", data: `per-event ${i}` });
      return { ...published, roundTripMs: round(performance.now() - published.sentAt, 2) };
    });

    const arrivals = sent.map(({ id }, i) => {
      const event = client.events.find(byId(id));
      const next = sent[i + 1] ? client.events.find(byId(sent[i + 1]!.id)) : undefined;
      return {
        id,
        ms: delays[i]!,
        // The raw client stamps every event with the read that completed it: one stamp, one read.
        sameReadAsNext: Boolean(event && next && event.at === next.at),
      };
    });
    const missing = arrivals.filter((a) => a.ms === null).map((a) => a.id);
    const late = arrivals.filter((a) => a.ms !== null && a.ms > EVENT_BOUND_MS).map((a) => `${a.id}: ${a.ms} ms`);
    const batched = arrivals.filter((a) => a.sameReadAsNext).map((a) => a.id);
    const worst = Math.max(...arrivals.map((a) => a.ms ?? EVENT_OBSERVE_MS));
    const figure = missing.length ? censored(EVENT_OBSERVE_MS) : measured(worst);
    const evidence = {
      delaysMs: arrivals.map((a) => a.ms),
      // When a delay is high, was it the publish request itself (machine load) or the stream?
      publishRoundTripsMs: sent.map((s) => s.roundTripMs),
      batchedWithNext: batched,
      measuredFrom: "the sending of each publish request (an upper bound on the server's own delay)",
      reads: client.bodyChunks.length,
        // A chunk's closing CRLF that came only with a later read (Bun 1.1.45 sends it with the next
        // chunk): what a client that waits for whole chunks would miss, recorded as measured.
        lateChunkEnds: client.lateChunkEnds.length,
        lateChunkEndMaxMs: client.lateChunkEnds.length ? round(Math.max(...client.lateChunkEnds.map((l) => l.crlfAt - l.dataAt)), 2) : null,
    };
    if (missing.length) return fail(`events ${missing.join(", ")} never arrived within ${EVENT_OBSERVE_MS} ms`, figure, evidence);
    if (late.length) return fail(`later than ${EVENT_BOUND_MS} ms after publication: ${late.join(", ")}`, figure, evidence);
    if (batched.length) return fail(`events ${batched.join(", ")} arrived in one read with the next event`, figure, evidence);
    return pass(`${PER_EVENT_COUNT} events ${PER_EVENT_SPACING_MS} ms apart, each in its own read, at most ${worst} ms after publication`, figure, evidence);
  },
};

export const flushTiny: Check = {
  id: "flush.tiny",
  group: "B",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "a 1-byte event arrives within 30 ms",
  bounds: { delayMs: EVENT_BOUND_MS, observeMs: EVENT_OBSERVE_MS },
  figure: { unit: "ms", label: "delay", bound: "delayMs" },
  calibration: {
    "buffers-events": /^a 1-byte event arrived [\d.]+ ms after publication \(bound 30 ms\)/,
  },
  timeoutMs: 15_000,
  // Alone, as flush.per-event: a 30 ms bound measured through a POST must not carry the neighbours' load.
  exclusive: true,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const { client } = await openWarmStream(server);
    const { id, ms, publishRoundTripMs } = await publishAndTime(server, client, "x");
    const evidence = { id, data: "x", measuredFrom: "the sending of the publish request (an upper bound)", publishRoundTripMs };
    if (ms === null) return fail(`a 1-byte event never arrived within ${EVENT_OBSERVE_MS} ms`, censored(EVENT_OBSERVE_MS), evidence);
    const figure = measured(ms);
    if (ms > EVENT_BOUND_MS) return fail(`a 1-byte event arrived ${ms} ms after publication (bound ${EVENT_BOUND_MS} ms)`, figure, evidence);
    return pass(`a 1-byte event arrived ${ms} ms after publication`, figure, evidence);
  },
};

export const flushLarge: Check = {
  id: "flush.large",
  group: "B",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "a 1 MiB event arrives intact",
  bounds: { sizeBytes: LARGE_BYTES, observeMs: LARGE_OBSERVE_MS },
  figure: { unit: "ms", label: "1 MiB delivered in" },
  calibration: {
    "truncates-large-events": /^the 1 MiB event arrived altered/,
  },
  timeoutMs: 30_000,
  // Alone: parsing a megabyte on the harness's event loop would delay the arrival stamps of the
  // latency checks running beside it.
  exclusive: true,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const { client } = await openWarmStream(server);
    const payload = positionalText(LARGE_BYTES);
    const chunksBefore = client.bodyChunks.length;
    const { id, sentAt } = await publish(server, { event: "large", data: payload });
    const event = await client.waitForEvent(byId(id), LARGE_OBSERVE_MS, "the 1 MiB event").catch(() => undefined);
    const evidence: Record<string, unknown> = {
      id,
      sentBytes: LARGE_BYTES,
      transferChunks: client.bodyChunks.length - chunksBefore,
      end: client.end ?? null,
    };
    if (!event) return fail(`the 1 MiB event did not arrive within ${LARGE_OBSERVE_MS} ms`, censored(LARGE_OBSERVE_MS), evidence);
    const ms = round(event.at - sentAt);
    const figure = measured(ms);
    const at = firstDifference(event.data, payload);
    const seen = { ...evidence, receivedBytes: Buffer.byteLength(event.data), firstDifferenceAt: at };
    if (at >= 0) {
      return fail(`the 1 MiB event arrived altered: ${Buffer.byteLength(event.data)} bytes, first difference at offset ${at}`, figure, {
        ...seen,
        expectedThere: payload.slice(at, at + 32),
        receivedThere: event.data.slice(at, at + 32),
      });
    }
    return pass(`the 1 MiB event arrived intact in ${ms} ms`, figure, seen);
  },
};

export const flushUtf8: Check = {
  id: "flush.utf8",
  group: "B",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "multi-byte text (emoji, CJK) split across writes arrives byte-exact",
  bounds: { observeMs: LARGE_OBSERVE_MS },
  figure: { unit: "bytes", label: "multi-byte payload" },
  calibration: {
    "splits-utf8-badly": /^multi-byte text arrived altered/,
  },
  timeoutMs: 30_000,
  // Alone, as flush.large: its megabyte of parsing would disturb the latency checks.
  exclusive: true,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const { client } = await openWarmStream(server);
    const payloads = utf8Payloads();
    const chunksBefore = client.bodyChunks.length;
    // Back to back, not waiting for arrival: the server may coalesce them, the runtime may split them.
    const ids: number[] = [];
    for (const data of payloads) ids.push((await publish(server, { event: "utf8", data })).id);
    await client.waitForEvent(byId(ids.at(-1)!), LARGE_OBSERVE_MS, "the last multi-byte event").catch(() => undefined);

    const chunks = client.bodyChunks.slice(chunksBefore).map((c) => c.bytes);
    const body = Buffer.concat(chunks);
    const results = payloads.map((data, i) => {
      const event = client.events.find(byId(ids[i]!));
      const expected = Buffer.from(data, "utf8");
      return {
        id: ids[i]!,
        bytes: expected.length,
        arrived: event !== undefined,
        // Both views: the parser's text, and the exact bytes on the wire.
        textEqual: event?.data === data,
        bytesFound: body.indexOf(expected) >= 0,
        replacementChars: event ? [...event.data.matchAll(/\uFFFD/g)].length : null,
      };
    });
    const evidence = {
      events: results,
      transferChunks: chunks.length,
      chunkBoundariesInsideACharacter: splitsInsideCharacters(chunks),
      bodyBytes: body.length,
    };
    const totalBytes = results.reduce((sum, r) => sum + r.bytes, 0);
    const figure = measured(totalBytes);
    const missing = results.filter((r) => !r.arrived).map((r) => r.id);
    const altered = results.filter((r) => r.arrived && !(r.textEqual && r.bytesFound)).map((r) => `${r.id} (${r.replacementChars} U+FFFD)`);
    if (missing.length) return fail(`events ${missing.join(", ")} never arrived within ${LARGE_OBSERVE_MS} ms`, figure, evidence);
    if (altered.length) return fail(`multi-byte text arrived altered in events ${altered.join(", ")}`, figure, evidence);
    return pass(
      `${payloads.length} multi-byte events (${totalBytes} bytes) arrived byte-exact over ${chunks.length} transfer chunks, ${evidence.chunkBoundariesInsideACharacter} boundaries inside a character`,
      figure,
      evidence,
    );
  },
};

// ---------------------------------------------------------------------------------------------
// flush.compressed, flush.burst: group H

/** What a browser sends: a server that compresses (itself or through middleware) shows it. */
export const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
const COMPRESSED_COUNT = 5;

/** Five events 100 ms apart on a stream asked for as a browser asks: each delay, and the coding. */
async function timeCompressedStream(ctx: CheckContext, env: Record<string, string>) {
  const server = await ctx.start({ env: { ...QUIET, ...env } });
  const opened = await openStream(server, { headers: { "accept-encoding": BROWSER_ACCEPT_ENCODING } });
  const { client } = opened;
  const warmUp = await publish(server, { event: "warm-up", data: "warm-up" });
  await client.waitForEvent(byId(warmUp.id), EVENT_OBSERVE_MS, "the warm-up event").catch(() => undefined);
  const schedule = { count: COMPRESSED_COUNT, spacingMs: PER_EVENT_SPACING_MS, observeMs: EVENT_OBSERVE_MS };
  const { delays } = await timeScheduledEvents(client, schedule, (i) => publish(server, { event: "timed", data: `compressed ${i}` }));
  return { contentEncoding: client.head?.headers["content-encoding"] ?? null, vary: client.head?.headers.vary ?? null, delays, decodeError: client.decodeError ?? null };
}

export const flushCompressed: Check = {
  id: "flush.compressed",
  group: "H",
  kind: "outcome",
  needs: ["records", "control"],
  passes:
    "with a browser's `Accept-Encoding`, plainly and with the framework's compression middleware mounted app-wide, 5 events 100 ms apart each arrive within 30 ms; any `Content-Encoding` recorded",
  bounds: { delayMs: EVENT_BOUND_MS, observeMs: EVENT_OBSERVE_MS, eventsCount: COMPRESSED_COUNT },
  figure: { unit: "ms", label: "worst delay", bound: "delayMs" },
  calibration: {
    "compresses-without-flush": /^plain \(Content-Encoding gzip\): (\d of 5 events not within|later than 30 ms)/,
  },
  timeoutMs: 30_000,
  // Alone, as flush.per-event: a 30 ms bound is the neighbours' figure when servers start beside it.
  exclusive: true,
  async run(ctx) {
    const variants: { name: string; env: Record<string, string> }[] = [{ name: "plain", env: {} }];
    if (ctx.target.offers.has("compression")) variants.push({ name: "with compression middleware", env: { SSE_COMPRESS: "1" } });
    const seen = [];
    for (const variant of variants) seen.push({ variant: variant.name, ...(await timeCompressedStream(ctx, variant.env)) });
    const problems = seen.flatMap((s) => {
      const coding = s.contentEncoding ? `Content-Encoding ${s.contentEncoding}` : "not compressed";
      const missing = s.delays.filter((d) => d === null).length;
      const late = s.delays.filter((d): d is number => d !== null && d > EVENT_BOUND_MS);
      if (s.decodeError) return [`${s.variant} (${coding}): the body could not be decoded: ${s.decodeError}`];
      if (missing) return [`${s.variant} (${coding}): ${missing} of ${COMPRESSED_COUNT} events not within ${EVENT_OBSERVE_MS} ms of the last publication`];
      if (late.length) return [`${s.variant} (${coding}): later than ${EVENT_BOUND_MS} ms after publication: ${late.join(", ")} ms`];
      return [];
    });
    const all = seen.flatMap((s) => s.delays);
    const figure = all.some((d) => d === null) ? censored(EVENT_OBSERVE_MS) : measured(Math.max(...(all as number[])));
    const untested = ctx.target.offers.has("compression") ? "" : `; no compression middleware on ${ctx.target.id} (capability compression)`;
    const evidence = { variants: seen, acceptEncoding: BROWSER_ACCEPT_ENCODING, measuredFrom: "the sending of each publish request" };
    if (problems.length) return fail(problems.join("; "), figure, evidence);
    const codings = seen.map((s) => `${s.variant}: ${s.contentEncoding ? `Content-Encoding ${s.contentEncoding}` : "not compressed"}`).join(", ");
    return pass(`every event within ${EVENT_BOUND_MS} ms (worst ${figure.value} ms); ${codings}${untested}`, figure, evidence);
  },
};

const BURST_COUNT = 1000;
const BURST_OBSERVE_MS = 10_000;

export const flushBurst: Check = {
  id: "flush.burst",
  group: "H",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "1,000 events published in one tick each arrive exactly once, in order",
  bounds: { eventsCount: BURST_COUNT, observeMs: BURST_OBSERVE_MS },
  figure: { unit: "count", label: "events missing, repeated or out of order" },
  calibration: {
    "drops-events-in-burst": /^of 1000 events published at once, 256 arrived/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const { client } = await openWarmStream(server);
    const { id: lastId } = await publish(server, { event: "burst", data: "b", count: BURST_COUNT });
    const sentinel = await publish(server, { event: "sentinel", data: "end" });
    await client.waitForEvent(byId(sentinel.id), BURST_OBSERVE_MS, "the event after the burst").catch(() => undefined);
    const firstId = lastId - BURST_COUNT + 1;
    const ids = client.events.filter((e) => e.event === "burst").map((e) => Number(e.id));
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    let missing = 0;
    for (let id = firstId; id <= lastId; id++) if (!counts.has(id)) missing++;
    const repeated = [...counts.values()].filter((n) => n > 1).length;
    const outOfOrder = ids.filter((id, i) => i > 0 && id <= ids[i - 1]!).length;
    const foreign = ids.filter((id) => id < firstId || id > lastId).length;
    const bad = missing + repeated + outOfOrder + foreign;
    const evidence = { firstId, lastId, received: ids.length, missing, repeated, outOfOrder, foreign, sentinelArrived: client.events.some(byId(sentinel.id)), reads: client.bodyChunks.length };
    const figure = measured(bad);
    if (bad) {
      return fail(`of ${BURST_COUNT} events published at once, ${ids.length} arrived (${missing} missing, ${repeated} repeated, ${outOfOrder} out of order, ${foreign} with foreign ids)`, figure, evidence);
    }
    return pass(`${BURST_COUNT} events published at once arrived exactly once, in order, in ${client.bodyChunks.length} reads`, figure, evidence);
  },
};
