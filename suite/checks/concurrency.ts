/**
 * Group C of the catalogue (CHECKS.md): does the server serve many streams at once, every one of them every
 * event? Seed row "handles concurrent requests".
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { censored, fail, measured, pass, skip, type Verdict } from "../model/results.ts";
import { type Check, type CheckContext } from "../harness/check.ts";
import { awaitOwnEvents, isBlackBox, NO_CADENCE, ownEventsBoundMs, startBlackBox } from "./lib/own-events.ts";
import { health, publish, stats } from "../harness/control.ts";
import type { RawSseClient } from "../harness/raw-client.ts";
import type { ServerProcess } from "../harness/server-process.ts";
import { round } from "../harness/wait.ts";
import { percentile } from "../model/percentile.ts";

/** Server settings: no demo producer, so that every event on the wire is one the check published. */
const ENV = { SSE_PRODUCER_MS: "0" };

/** Bound on a stream's response head and on the server counting its subscribers, per step. */
const OPEN_BOUND_MS = 10_000;

// ---------------------------------------------------------------------------------------------------
// Opening many streams at once

interface OpenedClients {
  clients: RawSseClient[];
  /** Why not every stream could be opened, if so. */
  problem?: string;
  /** Subscribers the server counted last. */
  subscribers: number;
  ms: number;
}

/**
 * Opens `count` streams, `batch` connects at a time; before the next batch, waits (bounded) until the
 * server's `subscribed` records count every stream opened so far. The server paces the opening, so
 * no sleep is needed and the listen backlog never overflows. Every socket opened is returned, also
 * on failure, so that the caller can close them all.
 */
async function openClients(server: ServerProcess, count: number, batch: number): Promise<OpenedClients> {
  const startedAt = performance.now();
  const clients: RawSseClient[] = [];
  let subscribers = 0;
  const done = (problem?: string): OpenedClients => ({
    clients,
    subscribers,
    ms: round(performance.now() - startedAt),
    ...(problem ? { problem } : {}),
  });
  while (clients.length < count) {
    const size = Math.min(batch, count - clients.length);
    const opened = await Promise.allSettled(Array.from({ length: size }, () => server.connect()));
    for (const result of opened) if (result.status === "fulfilled") clients.push(result.value);
    const refused = opened.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (refused) return done(`connect ${clients.length + 1} of ${count} failed: ${String(refused.reason)}`);
    const target = clients.length;
    const counted = await server
      .waitForRecord((r) => r.type === "subscribed" && Number(r.subscribers) >= target, OPEN_BOUND_MS, `${target} subscribers`)
      .catch(() => undefined);
    subscribers = Math.max(0, ...server.recordsOf("subscribed").map((r) => Number(r.subscribers)));
    if (!counted) {
      return done(`the server counted ${subscribers} subscriber(s) of ${target} connected streams within ${OPEN_BOUND_MS} ms`);
    }
  }
  const heads = await Promise.allSettled(clients.map((c) => c.waitForHead(OPEN_BOUND_MS)));
  const headless = heads.filter((h) => h.status === "rejected").length;
  if (headless) return done(`${headless} of ${count} subscribed streams got no response head within ${OPEN_BOUND_MS} ms`);
  return done();
}

// ---------------------------------------------------------------------------------------------------
// concurrency.two

const TWO_EVENTS = 10;
/** How long both streams get to receive every event once the last was published. */
const TWO_DELIVERY_MS = 2000;

/** Own events each of two simultaneous streams must receive from a black box. */
const OWN_EVENTS_EACH = 3;

/** concurrency.two on a black box: two streams opened at once, each must get the server's own events. */
async function twoStreamsOfOwnEvents(ctx: CheckContext): Promise<Verdict> {
  const cadenceMs = ctx.target.cadenceMs;
  if (cadenceMs === undefined) return skip(NO_CADENCE);
  const server = await startBlackBox(ctx, cadenceMs);
  const clients = await Promise.all([server.connect(), server.connect()]);
  const boundMs = ownEventsBoundMs(cadenceMs, OWN_EVENTS_EACH);
  const counts = await Promise.all(clients.map((c) => awaitOwnEvents(c, OWN_EVENTS_EACH, boundMs)));
  const figure = measured(Math.min(OWN_EVENTS_EACH, ...counts));
  const evidence = { cadenceMs, ownEvents: counts, heads: clients.map((c) => c.head?.statusLine ?? null) };
  const short = counts.map((n, i) => ({ n, stream: i + 1 })).filter((s) => s.n < OWN_EVENTS_EACH);
  if (short.length) {
    return fail(`two simultaneous streams: ${short.map((s) => `stream ${s.stream} got ${s.n} own events`).join(", ")} within ${boundMs} ms (stated cadence ${cadenceMs} ms)`, figure, evidence);
  }
  return pass(`both simultaneous streams received ${OWN_EVENTS_EACH} own events (stated cadence ${cadenceMs} ms)`, figure, evidence);
}

export const concurrencyTwo: Check = {
  id: "concurrency.two",
  group: "C",
  kind: "outcome",
  needs: [],
  passes: "two simultaneous streams both receive every event (the seed's minimum). A black box: both receive 3 of its own events",
  seed: "handles concurrent requests",
  bounds: { eventsCount: TWO_EVENTS, deliveryMs: TWO_DELIVERY_MS },
  figure: { unit: "count", label: "events received by both" },
  calibration: {
    "one-connection-at-a-time": /the server counted 1 subscriber\(s\) of 2 connected streams/,
    "shared-queue-splits-events": /not every event reached both streams/,
  },
  blackBoxCalibration: {
    "one-connection-at-a-time": /^two simultaneous streams: stream [12] got 0 own events within/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    if (isBlackBox(ctx.target)) return twoStreamsOfOwnEvents(ctx);
    const server = await ctx.start({ env: ENV });
    // Both at once, as two browser tabs would: neither waits for the other's response.
    const { clients, problem } = await openClients(server, 2, 2);
    if (problem) return fail(`two simultaneous streams: ${problem}`, measured(0));
    const sent: string[] = [];
    for (let n = 1; n <= TWO_EVENTS; n++) {
      sent.push(String(n));
      await publish(server, { event: "tick", data: String(n) });
    }
    const ticks = (c: RawSseClient) => c.events.filter((e) => e.event === "tick").map((e) => e.data);
    await Promise.allSettled(
      clients.map((c) => c.waitUntil(() => ticks(c).length >= TWO_EVENTS || c.end !== undefined, TWO_DELIVERY_MS, "every event")),
    );
    const streams = clients.map((c, i) => {
      const got = ticks(c);
      return {
        stream: i + 1,
        received: got,
        missing: sent.filter((d) => !got.includes(d)),
        inOrder: got.every((d, k) => d === sent[k]),
        end: c.end ?? null,
      };
    });
    const both = sent.filter((d) => streams.every((s) => s.received.includes(d))).length;
    const figure = measured(both);
    const evidence = { streams };
    const wrong = streams.filter((s) => s.missing.length || !s.inOrder || s.received.length !== TWO_EVENTS);
    if (wrong.length) {
      const detail = wrong
        .map((s) => `stream ${s.stream} got [${s.received.join(",")}]${s.missing.length ? `, missing [${s.missing.join(",")}]` : ""}`)
        .join("; ");
      return fail(`not every event reached both streams within ${TWO_DELIVERY_MS} ms: ${detail}`, figure, evidence);
    }
    return pass(`both simultaneous streams received all ${TWO_EVENTS} events, in order`, figure, evidence);
  },
};

// ---------------------------------------------------------------------------------------------------
// concurrency.many

const MANY = 1000;
/** Connects in flight at once: far below the listen backlog (511 on Node) and the open-files limit. */
const CONNECT_BATCH = 100;
const DELIVERY_BOUND_MS = 1000;
const HEALTH_BOUND_MS = 100;
/** How long to keep waiting past the bound, to report a late delivery rather than only "late". */
const DELIVERY_OBSERVE_MS = 5000;
/**
 * /health is asked one request after the other from the publish until every stream has the event or
 * the delivery bound has passed, and at least this many times.
 */
const MIN_HEALTH_PROBES = 3;
/** Probes kept in the evidence besides the slow ones. */
const PROBES_SHOWN = 20;

interface HealthProbe {
  /** Start of the request, ms after the publish was sent. */
  startMs: number;
  ms: number | null;
  ok?: boolean;
  error?: string;
}

async function probeHealthWhile(server: ServerProcess, delivered: Promise<unknown>, origin: number): Promise<HealthProbe[]> {
  let settled = false;
  void delivered.finally(() => (settled = true));
  const probes: HealthProbe[] = [];
  const meanwhile = () => !settled && performance.now() - origin < DELIVERY_BOUND_MS;
  while (meanwhile() || probes.length < MIN_HEALTH_PROBES) {
    const startMs = round(performance.now() - origin);
    try {
      const { ok, ms } = await health(server);
      probes.push({ startMs, ms: round(ms), ok });
    } catch (error) {
      probes.push({ startMs, ms: null, error: String(error) });
    }
  }
  return probes;
}

const isSlow = (p: HealthProbe) => p.ms === null || p.ms > HEALTH_BOUND_MS || p.ok === false;

function describeProbes(probes: HealthProbe[]) {
  const answered = probes.filter((p) => p.ms !== null).map((p) => p.ms!);
  return {
    count: probes.length,
    worstMs: answered.length === probes.length && answered.length ? Math.max(...answered) : null,
    slow: probes.filter(isSlow),
    first: probes.slice(0, PROBES_SHOWN),
  };
}

function summarise(latencies: (number | null)[]) {
  const received = latencies.filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  const missing = latencies.length - received.length;
  // A stream that never got the event counts as the slowest, so the p99 cannot hide it.
  const p99 = percentile([...received, ...Array<number>(missing).fill(Infinity)], 99)!;
  return {
    streams: latencies.length,
    received: received.length,
    minMs: received.length ? round(received[0]!) : null,
    medianMs: received.length ? round(percentile(received, 50)!) : null,
    p99Ms: Number.isFinite(p99) ? round(p99) : null,
    maxMs: received.length ? round(received.at(-1)!) : null,
    late: received.filter((ms) => ms > DELIVERY_BOUND_MS).length,
  };
}

/**
 * Measured broadcasts, each judged alone. A lost event fails in any of them; lateness (delivery past
 * its bound, a slow /health) is judged on the median broadcast: one broadcast's times are the
 * machine's as much as the server's (elysia-node's /health at 100.8 ms and elysia-bun's at 157.6 ms
 * against 100 ms, each once in a full run beside the harness's own parsing of 1,000 streams), while a
 * server that is slow under load is slow in every broadcast.
 */
const MEASURED_BROADCASTS = 3;

interface Broadcast {
  latencies: (number | null)[];
  probes: HealthProbe[];
}

function lateness(b: Broadcast): { late: number; slowHealth: number } {
  return { late: summarise(b.latencies).late, slowHealth: describeProbes(b.probes).slow.length };
}

/** The broadcast whose lateness is the median of them (sorted by late streams, then slow probes). */
function medianBroadcast(broadcasts: Broadcast[]): Broadcast {
  const ranked = [...broadcasts].sort((a, b) => {
    const x = lateness(a);
    const y = lateness(b);
    return x.late - y.late || x.slowHealth - y.slowHealth || (summarise(a.latencies).p99Ms ?? Infinity) - (summarise(b.latencies).p99Ms ?? Infinity);
  });
  return ranked[Math.floor((ranked.length - 1) / 2)]!;
}

function judgeMany(broadcasts: Broadcast[], evidence: Record<string, unknown>): Verdict {
  const median = medianBroadcast(broadcasts);
  const summary = summarise(median.latencies);
  const figure = summary.p99Ms === null ? censored(DELIVERY_OBSERVE_MS) : measured(summary.p99Ms);
  const healthSeen = describeProbes(median.probes);
  const each = broadcasts.map((b) => ({ delivery: summarise(b.latencies), health: describeProbes(b.probes) }));
  const fullEvidence = { ...evidence, judged: `the median of ${broadcasts.length} broadcasts`, delivery: summary, health: healthSeen, broadcasts: each };
  const problems: string[] = [];
  const lost = each.map((b, i) => ({ i, missing: b.delivery.streams - b.delivery.received })).filter((b) => b.missing > 0);
  if (lost.length) {
    const worst = lost.reduce((a, b) => (b.missing > a.missing ? b : a));
    problems.push(`${worst.missing} of ${summary.streams} streams never got the broadcast within ${DELIVERY_OBSERVE_MS} ms (in ${lost.length} of ${broadcasts.length} broadcasts)`);
  }
  const of = `in the median of ${broadcasts.length} broadcasts`;
  if (summary.late) problems.push(`${summary.late} streams got it later than ${DELIVERY_BOUND_MS} ms (max ${summary.maxMs} ms) ${of}`);
  if (healthSeen.slow.length) {
    const shown = healthSeen.slow.map((p) => (p.ms === null ? `no answer (${p.error})` : p.ok === false ? `ok=false` : `${p.ms} ms`));
    problems.push(`/health during the broadcast: ${shown.join(", ")} (bound ${HEALTH_BOUND_MS} ms) ${of}`);
  }
  if (problems.length) return fail(problems.join("; "), figure, fullEvidence);
  return pass(
    `all ${summary.streams} streams got each of ${broadcasts.length} broadcasts, p99 ${summary.p99Ms} ms (max ${summary.maxMs} ms) in the median one; /health at worst ${healthSeen.worstMs} ms over ${healthSeen.count} probes there`,
    figure,
    fullEvidence,
  );
}

/**
 * Publishes one event and times its arrival at every stream (ms from the publish request, null when
 * it did not come within DELIVERY_OBSERVE_MS), asking /health meanwhile.
 */
async function broadcast(
  server: ServerProcess,
  clients: RawSseClient[],
  label: string,
): Promise<Broadcast> {
  const token = `${label}-${server.pid}-${Math.round(performance.now())}`;
  const arrivals = clients.map((c) =>
    c.waitForEvent((e) => e.event === "broadcast" && e.data === token, DELIVERY_OBSERVE_MS, `the ${label} broadcast`).then(
      (e) => e.at,
      () => null,
    ),
  );
  const allArrived = Promise.all(arrivals);
  const sentAt = performance.now();
  const published = publish(server, { event: "broadcast", data: token });
  const probes = probeHealthWhile(server, allArrived, sentAt);
  await published;
  const latencies = (await allArrived).map((at) => (at === null ? null : at - sentAt));
  return { latencies, probes: await probes };
}

export const concurrencyMany: Check = {
  id: "concurrency.many",
  group: "C",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "1,000 simultaneous streams all receive each of 3 broadcasts (none lost in any), within 1 s, and `/health` answers within 100 ms meanwhile (lateness judged on the median broadcast)",
  seed: "handles concurrent requests",
  bounds: { streamsCount: MANY, broadcastsCount: MEASURED_BROADCASTS, deliveryMs: DELIVERY_BOUND_MS, healthMs: HEALTH_BOUND_MS, observeMs: DELIVERY_OBSERVE_MS },
  figure: { unit: "ms", label: "p99 delivery", bound: "deliveryMs" },
  calibration: {
    "one-connection-at-a-time": /the server counted 1 subscriber\(s\) of \d+ connected streams/,
    "shared-queue-splits-events": /streams never got the broadcast/,
    "slow-fan-out": /streams? (never got the broadcast|got it later than 1000 ms)/,
    "slow-health-under-load": /\/health during the broadcast: .*\(bound 100 ms\)/,
  },
  timeoutMs: 90_000,
  exclusive: true,
  async run(ctx) {
    const server = await ctx.start({ env: ENV });
    const opened = await openClients(server, MANY, CONNECT_BATCH);
    const { clients } = opened;
    const openEvidence = { opened: clients.length, openMs: opened.ms, subscribersCounted: opened.subscribers };
    if (opened.problem) {
      return fail(`${MANY} simultaneous streams: ${opened.problem}`, censored(DELIVERY_OBSERVE_MS), openEvidence);
    }
    // A first broadcast, not judged, so that the one measured is not the first run of cold code in
    // the server and in the harness (the harness's own parsing of 1,000 streams included).
    const warmUp = await broadcast(server, clients, "warm-up");
    const subscribersBefore = (await stats(server)).subscribers;
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const broadcasts: Broadcast[] = [];
    for (let i = 0; i < MEASURED_BROADCASTS; i++) broadcasts.push(await broadcast(server, clients, `measured-${i + 1}`));
    loopDelay.disable();
    const harnessLoopDelayMaxMs = round(loopDelay.max / 1e6);
    return judgeMany(broadcasts, {
      ...openEvidence,
      subscribersBefore,
      warmUp: { ...summarise(warmUp.latencies), health: describeProbes(warmUp.probes) },
      // Latencies are taken when the harness reads each socket: a busy harness inflates them.
      harnessLoopDelayMaxMs,
    });
  },
};

