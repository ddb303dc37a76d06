/**
 * Group G of CHECKS.md: the seed's manual browser test, automated in three engines (Chromium,
 * Firefox ESR, WebKit; suite/harness/browsers/): the demo page's EventSource, a closed tab, a
 * reconnect. Each check is declared once and runs in every engine, a result of its own per engine:
 * `browser.eventsource[firefox]`.
 */
import { acquireEngine } from "../harness/browsers/registry.ts";
import { ENGINE_NAMES, type EngineName } from "../model/engines.ts";
import { engineMissing, type BrowserEngine, type EnginePage } from "../harness/browsers/engine.ts";
import { censored, fail, measured, pass, skip, type Verdict } from "../model/results.ts";
import { type Check, type CheckContext, HarnessError, setUpStep } from "../harness/check.ts";
import { endStreams, publish } from "../harness/control.ts";
import { round } from "../harness/wait.ts";
import { serveOtherOrigin } from "../harness/other-origin.ts";
import { pageEvents, waitInPage } from "./lib/page.ts";
import { missingDebianPackages } from "../targets/debian-packages.ts";
import { selfSignedCertificate } from "../harness/tls.ts";

const DROP_BOUND_MS = 1000;
const OBSERVE_MS = 3000;

/** A browser check as declared: a Check whose body also gets the engine it runs in. */
export type BrowserCheck = Omit<Check, "run" | "engine" | "base"> & { run(ctx: CheckContext, engine: BrowserEngine): Promise<Verdict> };

/**
 * The declaration run in each engine: one check per engine, `<id>[<engine>]`, that skips with the
 * package to install where the engine is missing, and shares the run's browser of that engine.
 */
export function inEveryEngine(declared: BrowserCheck): Check[] {
  return ENGINE_NAMES.map((name: EngineName) => ({
    ...declared,
    id: `${declared.id}[${name}]`,
    base: declared.id,
    engine: name,
    async run(ctx: CheckContext): Promise<Verdict> {
      const missing = engineMissing(name);
      if (missing) return skip(missing);
      const engine = await setUpStep(`launching ${name}`, acquireEngine(name));
      ctx.evidence.engine = { name, version: engine.version };
      return declared.run(ctx, engine);
    },
  }));
}

/** Opens a page on the target's demo page; resolves with the page and the subscriber its EventSource became. */
async function openDemo(engine: BrowserEngine, url: string, server: Awaited<ReturnType<CheckContext["start"]>>): Promise<{ page: EnginePage; sub: number }> {
  const page = await engine.newPage();
  const subscribed = server.nextRecord((r) => r.type === "subscribed", 15_000, "the page's subscription");
  subscribed.catch(() => {});
  await page.goto(url);
  return { page, sub: Number((await subscribed).sub) };
}

export const browserEventSource = inEveryEngine({
  id: "browser.eventsource",
  group: "G",
  kind: "outcome",
  needs: ["records", "control", "page"],
  passes: "a headless browser loads the demo page, its EventSource receives at least 3 events; closing the page makes the server drop the subscriber within 1 s",
  bounds: { dropMs: DROP_BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "drop after tab close", bound: "dropMs" },
  calibration: {
    "never-notices-disconnect": /never dropped the closed page's subscriber/,
  },
  timeoutMs: 60_000,
  async run(ctx, engine) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "100" } });
    const { page, sub } = await openDemo(engine, server.url + "/", server);
    try {
      await waitInPage(page, "window.sseDemo?.events.length >= 3", 5000, "3 events on the page");
      const received = (await pageEvents(page)).length;
      const dropped = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === sub, OBSERVE_MS, "unsubscribe after the page closed");
      dropped.catch(() => {});
      // Timed from the moment the close command went to the browser (see EnginePage.close).
      const closing = page.close();
      const record = await dropped.catch(() => undefined);
      const closedAt = await closing;
      const ms = record ? round(record.at - closedAt) : null;
      const evidence = { sub, eventsReceivedByPage: received, mechanism: record?.mechanism ?? null };
      const figure = ms === null ? censored(OBSERVE_MS) : measured(ms);
      if (ms === null) return fail(`the server never dropped the closed page's subscriber within ${OBSERVE_MS} ms`, figure, evidence);
      if (ms > DROP_BOUND_MS) return fail(`the closed page's subscriber was dropped after ${ms} ms`, figure, evidence);
      return pass(`the page received ${received} events; closing it dropped the subscriber in ${ms} ms (${record!.mechanism})`, figure, evidence);
    } finally {
      await page.close();
    }
  },
});

export const browserReconnect = inEveryEngine({
  id: "browser.reconnect",
  group: "G",
  kind: "outcome",
  needs: ["records", "control", "page"],
  passes: "the server ends the stream; the browser reconnects by itself with `Last-Event-ID` and the replay fills the gap",
  bounds: {},
  figure: { unit: "count", label: "events seen" },
  calibration: {
    "ignores-last-event-id": /after the reconnect the page missed \[\d/,
  },
  timeoutMs: 60_000,
  async run(ctx, engine) {
    const noGap: string[] = [];
    for (let attempt = 1; attempt <= RECONNECT_ATTEMPTS; attempt++) {
      const verdict = await reconnectOnce(ctx, engine);
      if (!("noGap" in verdict)) return noGap.length ? { ...verdict, evidence: { ...verdict.evidence, attemptsWithoutGap: noGap } } : verdict;
      noGap.push(verdict.noGap);
    }
    throw new HarnessError(`no gap formed in ${RECONNECT_ATTEMPTS} attempts: ${noGap.join("; ")}`);
  },
});

/**
 * The gap must be whole before the browser is back, or its events reach the new stream live and a
 * server that ignores Last-Event-ID looks right: WebKit, once in a clean-clone CI run, was back within
 * the three publishes (ignores-last-event-id passed). Such an attempt measured nothing; the next one
 * starts afresh.
 */
const RECONNECT_ATTEMPTS = 3;

async function reconnectOnce(ctx: CheckContext, engine: BrowserEngine): Promise<Verdict | { noGap: string }> {
  // The producer is off: the check publishes, so that it knows which events fall into the gap.
  const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", SSE_RETRY_MS: "500" } });
  const { page } = await openDemo(engine, server.url + "/", server);
  try {
    await waitInPage(page, "window.sseDemo?.source.readyState === 1", 5000, "the EventSource open");
    for (let i = 0; i < 3; i++) await publish(server, { event: "progress", data: JSON.stringify({ progress: i + 1 }) });
    await waitInPage(page, "window.sseDemo.events.length >= 3", 5000, "3 events on the page");

    // The server ends the stream; events published before the browser is back form the gap.
    const again = server.nextRecord((r) => r.type === "subscribed", 10_000, "the browser's reconnect");
    again.catch(() => {});
    await endStreams(server);
    const gap: number[] = [];
    for (let i = 0; i < 3; i++) gap.push((await publish(server, { event: "progress", data: JSON.stringify({ gap: i + 1 }) })).id);
    const gapPublishedAt = performance.now();
    const reconnect = await again;
    if (reconnect.at < gapPublishedAt) return { noGap: `the browser was back ${round(gapPublishedAt - reconnect.at)} ms before the gap's last event was published` };
    const after = (await publish(server, { event: "progress", data: JSON.stringify({ after: true }) })).id;
    await waitInPage(page, `window.sseDemo.events.some((e) => e.id === ${JSON.stringify(String(after))})`, 5000, "the event after the reconnect").catch(() => {});

    const ids = (await pageEvents(page)).filter((e) => e.type === "progress").map((e) => Number(e.id));
    const expected = Array.from({ length: after }, (_, i) => i + 1);
    const evidence = { lastEventIdSent: reconnect.lastEventId, replay: reconnect.replay, gap, idsSeenByPage: ids, backAfterGapMs: round(reconnect.at - gapPublishedAt) };
    const figure = measured(ids.length);
    if (reconnect.lastEventId !== "3") return fail(`the browser reconnected with Last-Event-ID ${JSON.stringify(reconnect.lastEventId)}, expected "3"`, figure, evidence);
    const missingIds = expected.filter((id) => !ids.includes(id));
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (missingIds.length || duplicates.length || ids.join() !== expected.join()) {
      return fail(`after the reconnect the page missed ${JSON.stringify(missingIds)} and saw twice ${JSON.stringify(duplicates)}`, figure, evidence);
    }
    return pass(`the browser reconnected with Last-Event-ID 3 and the replay filled the gap (${gap.length} events)`, figure, evidence);
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// browser.open-latency

const OPEN_BOUND_MS = 200;
/** How long the page may take to open before the check publishes the first event (to see whether that opens it). */
const OPEN_WAIT_MS = 1000;
const FIRST_EVENT_MS = 3000;

interface OpenSeen {
  /**
   * ms from the EventSource's creation to its `open` (the page's own clock), or null: the request to
   * the head, the server's part. How long the page itself took to load is apart (`createdMs`).
   */
  openMs: number | null;
  /** ms from navigation to the EventSource's creation: the page load, the browser's part. */
  createdMs: number;
  firstEventMs: number | null;
  /** The stream opened only once the first event was published: the head was held back until then. */
  openedOnlyWithFirstEvent: boolean;
}

/** Loads the demo page (`path` carries the query) and times its open and first event; nothing is published before the open or OPEN_WAIT_MS. */
async function measureOpen(ctx: CheckContext, engine: BrowserEngine, server: Awaited<ReturnType<CheckContext["start"]>>, path: string): Promise<OpenSeen> {
  const page = await engine.newPage();
  ctx.defer(() => page.close());
  await page.goto(server.url + path);
  const opened = await waitInPage(page, "window.sseDemo?.openedAt !== undefined", OPEN_WAIT_MS, "open").then(() => true, () => false);
  await publish(server, { event: "progress", data: JSON.stringify({ first: true }) });
  await waitInPage(page, "window.sseDemo.firstEventAt !== undefined", FIRST_EVENT_MS, "the first event").catch(() => {});
  const times = await page.evaluate<{ createdAt: number; openedAt: number | null; firstEventAt: number | null }>(
    "({ createdAt: window.sseDemo.createdAt, openedAt: window.sseDemo.openedAt ?? null, firstEventAt: window.sseDemo.firstEventAt ?? null })",
  );
  // Closed before the next load: the opens of one check must not queue behind each other's streams.
  await page.close();
  return {
    openMs: times.openedAt === null ? null : round(times.openedAt - times.createdAt),
    createdMs: round(times.createdAt),
    firstEventMs: times.firstEventAt === null ? null : round(times.firstEventAt - times.createdAt),
    openedOnlyWithFirstEvent: !opened && times.openedAt !== null,
  };
}

function describeOpen(seen: OpenSeen): string {
  if (seen.openMs === null) return `no open within ${OPEN_WAIT_MS + FIRST_EVENT_MS} ms, nor after the first event was published`;
  if (seen.openedOnlyWithFirstEvent) return `the stream opened only with the first event, published after ${OPEN_WAIT_MS} ms of silence (open ${seen.openMs} ms after the EventSource was created)`;
  return `open ${seen.openMs} ms after the EventSource was created (${seen.createdMs} ms after navigation)`;
}

/**
 * Opens per mode. A head held back until the first event fails in any of them (it waits a whole
 * second: no noise makes that); the time to open is judged on the median: one open on two shared
 * cores is the machine's as much as the server's (cherrypy [firefox] 229 ms and deno [firefox]
 * 208 ms against 200 ms, each once in a full run, exclusive as the check already was).
 */
const OPENS = 3;
/**
 * The fact is not judged, and a server that holds the head back with mitigations off holds it a whole
 * OPEN_WAIT_MS every time: one load tells it (three cost each such target 2 s more per engine).
 */
const FACT_OPENS = 1;

/** The open whose time is the median of them; one that never opened counts as the slowest. */
function medianOpen(opens: OpenSeen[]): OpenSeen {
  const ranked = [...opens].sort((a, b) => (a.openMs ?? Infinity) - (b.openMs ?? Infinity));
  return ranked[Math.floor((ranked.length - 1) / 2)]!;
}

/**
 * The loads of one mode, on a server of their own. A closed page's stream holds the server until the
 * server notices it gone, and a thread-pool server may notice only at its next write: waitress's four
 * threads (its default) take three loads and a publish, and the fourth load's publish got no answer
 * within 3000 ms, every time.
 */
async function measureOpens(ctx: CheckContext, engine: BrowserEngine, path: string, count: number): Promise<{ median: OpenSeen; opens: OpenSeen[] }> {
  // Nothing is published but what the check publishes: the open must not wait for an event.
  const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
  const opens: OpenSeen[] = [];
  for (let i = 0; i < count; i++) opens.push(await measureOpen(ctx, engine, server, path));
  const held = opens.find((o) => o.openedOnlyWithFirstEvent || o.openMs === null);
  return { median: held ?? medianOpen(opens), opens };
}

export const browserOpenLatency = inEveryEngine({
  id: "browser.open-latency",
  group: "G",
  kind: "outcome",
  needs: ["records", "control", "page"],
  passes:
    "the demo page's EventSource opens within 200 ms of its creation (the median of 3 page loads), before any event is published, in every load; navigation to creation, and to the first event, are recorded; the fact (mitigations off, one load) is measured beside it, each mode on a server of its own",
  bounds: { openMs: OPEN_BOUND_MS, openWaitMs: OPEN_WAIT_MS, firstEventMs: FIRST_EVENT_MS, opensCount: OPENS, factOpensCount: FACT_OPENS },
  figure: { unit: "ms", label: "to open (median)", bound: "openMs" },
  calibration: {
    "opens-only-with-first-event": /^the stream opened only with the first event/,
  },
  timeoutMs: 60_000,
  // Alone: a 200 ms bound on two shared cores flipped when three other checks ran beside it
  // (bun [firefox] 265 ms and deno-node [chromium] 429 ms, each once in two full runs).
  exclusive: true,
  async run(ctx, engine) {
    const outcomes = await measureOpens(ctx, engine, "/", OPENS);
    const facts = await measureOpens(ctx, engine, "/?mitigations=0", FACT_OPENS);
    const outcome = outcomes.median;
    const figure = outcome.openMs === null ? censored(OPEN_WAIT_MS + FIRST_EVENT_MS) : measured(outcome.openMs);
    const evidence = { outcome, fact: facts.median, outcomes: outcomes.opens, facts: facts.opens };
    const times = (opens: OpenSeen[]) => opens.map((o) => o.openMs ?? "never").join(", ");
    const both = `${describeOpen(outcome)}; first event ${outcome.firstEventMs ?? "never"} ms after creation; of ${OPENS} loads: ${times(outcomes.opens)} ms; fact (mitigations off): ${describeOpen(facts.median)}`;
    if (outcome.openMs === null || outcome.openedOnlyWithFirstEvent) return fail(both, figure, evidence);
    if (outcome.openMs > OPEN_BOUND_MS) return fail(`${both} (bound ${OPEN_BOUND_MS} ms, the median)`, figure, evidence);
    return pass(both, figure, evidence);
  },
});

// ---------------------------------------------------------------------------------------------------
// browser.connection-limit (fact)

const STREAMS = 7;
/** What HTTP/1.1 browsers allow per host: the 7th stream waits for a free connection. */
const BROWSER_LIMIT = 6;
const STALL_MS = 2000;

export const browserConnectionLimit = inEveryEngine({
  id: "browser.connection-limit",
  group: "G",
  kind: "fact",
  needs: ["records", "control", "page"],
  passes:
    "one page opens 7 EventSources to one origin and then `fetch('/health')`: at least 6 open (HTTP/1.1 browsers allow 6 per host), and when one closes the stalled one opens; which stall is recorded. On a target with `http2`, the same seven from a page over HTTP/2 (one connection carries them all) are recorded beside it",
  bounds: { streamsCount: STREAMS, browserLimitCount: BROWSER_LIMIT, stallMs: STALL_MS },
  figure: { unit: "count", label: "streams open (of 7)" },
  calibration: {
    "one-connection-at-a-time": /^only [0-5] of 7 streams opened/,
  },
  timeoutMs: 60_000,
  async run(ctx, engine) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
    const page = await engine.newPage();
    ctx.defer(() => page.close());
    // The demo page's own stream is the first of the seven.
    await page.goto(server.url + "/");
    await page.evaluate(`window.extra = Array.from({ length: ${STREAMS - 1} }, () => new EventSource(${JSON.stringify(server.streamPath("/events"))})); true`);
    const all = "[window.sseDemo.source, ...window.extra]";
    await waitInPage(page, `${all}.filter((s) => s.readyState === 1).length >= ${STREAMS}`, STALL_MS, "every stream open").catch(() => {});
    const openBefore = await page.evaluate<number>(`${all}.filter((s) => s.readyState === 1).length`);
    // /health after the streams hold every connection they could get: does it wait behind them?
    await page.evaluate(`window.health = null; fetch("/health").then(() => (window.health = "answered"), () => (window.health = "failed")); true`);
    const healthWhileOpen = await waitInPage(page, "window.health !== null", STALL_MS, "/health").then(() => "answered", () => `no answer within ${STALL_MS} ms`);
    let stalledOpened: boolean | null = null;
    if (openBefore < STREAMS && openBefore >= BROWSER_LIMIT) {
      await page.evaluate(`${all}.find((s) => s.readyState === 1).close(); true`);
      stalledOpened = await waitInPage(page, `${all}.filter((s) => s.readyState === 1).length >= ${openBefore}`, STALL_MS, "the stalled stream")
        .then(() => true, () => false);
    }
    const overHttp2 = await sevenOverHttp2(ctx, engine);
    const figure = measured(openBefore);
    const evidence = { openBefore, healthWhileOpen, stalledOpenedAfterOneClosed: stalledOpened, browserLimit: BROWSER_LIMIT, overHttp2 };
    const h2Said = overHttp2 && "opened" in overHttp2 ? `; over HTTP/2 (${overHttp2.protocol}): ${overHttp2.opened} of ${STREAMS} opened` : "";
    const summary = `${openBefore} of ${STREAMS} streams opened; /health meanwhile: ${healthWhileOpen}${h2Said}`;
    if (openBefore < BROWSER_LIMIT) return fail(`only ${openBefore} of ${STREAMS} streams opened within ${STALL_MS} ms (a browser allows ${BROWSER_LIMIT}); /health meanwhile: ${healthWhileOpen}`, figure, evidence);
    if (stalledOpened === false) return fail(`${summary}; when one closed, the stalled stream did not open within ${STALL_MS} ms`, figure, evidence);
    return pass(openBefore === STREAMS ? `all ${STREAMS} streams opened; /health: ${healthWhileOpen}${h2Said}` : `${summary}; when one closed, the stalled stream opened`, figure, evidence);
  },
});

/**
 * The same seven streams from a page served over HTTP/2 (TLS, the run's self-signed certificate),
 * where one connection carries them all: recorded beside the HTTP/1.1 verdict, on targets that offer
 * `http2`. undefined where there is no HTTP/2 to try.
 */
async function sevenOverHttp2(ctx: CheckContext, engine: BrowserEngine): Promise<{ opened: number; protocol: string } | { notTried: string } | undefined> {
  if (!ctx.target.offers.has("http2")) return undefined;
  if (missingDebianPackages(["openssl"]).length) return { notTried: "openssl is not installed" };
  const cert = await setUpStep("making a self-signed certificate", Promise.resolve().then(selfSignedCertificate));
  const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", SSE_TLS_CERT: cert.certFile, SSE_TLS_KEY: cert.keyFile } });
  const page = await engine.newPage();
  ctx.defer(() => page.close());
  await page.goto(`https://127.0.0.1:${server.port}/`);
  await page.evaluate(`window.extra = Array.from({ length: ${STREAMS - 1} }, () => new EventSource(${JSON.stringify(server.streamPath("/events"))})); true`);
  const all = "[window.sseDemo.source, ...window.extra]";
  await waitInPage(page, `${all}.filter((s) => s.readyState === 1).length >= ${STREAMS}`, STALL_MS, "every stream open over HTTP/2").catch(() => {});
  const opened = await page.evaluate<number>(`${all}.filter((s) => s.readyState === 1).length`);
  const protocol = await page.evaluate<string>(`performance.getEntriesByType("navigation")[0]?.nextHopProtocol || "unknown"`);
  return { opened, protocol };
}

// ---------------------------------------------------------------------------------------------------
// browser.cross-origin

const CROSS_ORIGIN_MS = 5000;

/** The page on the other origin: two EventSources to the target's stream (its URL from ?target=), plain and withCredentials. */
const CROSS_ORIGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>another origin</title><script>
  const target = new URLSearchParams(location.search).get("target");
  window.cross = {};
  for (const [name, withCredentials] of [["plain", false], ["credentials", true]]) {
    const seen = (window.cross[name] = { opened: false, events: 0, errors: 0 });
    const source = new EventSource(target, { withCredentials });
    source.onopen = () => (seen.opened = true);
    source.onerror = () => seen.errors++;
    source.addEventListener("progress", () => seen.events++);
  }
</script>`;

export const browserCrossOrigin = inEveryEngine({
  id: "browser.cross-origin",
  group: "G",
  kind: "outcome",
  needs: ["records", "control", "page"],
  passes:
    "a page on another origin (another port) opens the stream with and without `withCredentials`: events arrive on both; `Access-Control-Allow-Origin` is the exact origin, with `Access-Control-Allow-Credentials: true` (SSE_CORS_ORIGINS)",
  bounds: { eventsMs: CROSS_ORIGIN_MS },
  figure: { unit: "count", label: "streams with events (of 2)" },
  calibration: {
    "cors-wildcard": /the credentialed stream got no event/,
  },
  timeoutMs: 60_000,
  async run(ctx, engine) {
    const other = await serveOtherOrigin(CROSS_ORIGIN_PAGE);
    ctx.defer(() => other.close());
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "100", SSE_CORS_ORIGINS: other.origin } });
    const page = await engine.newPage();
    ctx.defer(() => page.close());
    await page.goto(`${other.origin}/?target=${encodeURIComponent(server.url + server.streamPath("/events"))}`);
    await waitInPage(page, "window.cross.plain.events > 0 && window.cross.credentials.events > 0", CROSS_ORIGIN_MS, "events on both streams").catch(() => {});
    const seen = await page.evaluate<Record<"plain" | "credentials", { opened: boolean; events: number; errors: number }>>("window.cross");
    // The headers as the server sent them to that origin, read on a raw socket.
    const raw = await server.connect({ headers: { origin: other.origin } });
    const head = await raw.waitForHead(CROSS_ORIGIN_MS);
    const allowOrigin = head.headers["access-control-allow-origin"] ?? null;
    const allowCredentials = head.headers["access-control-allow-credentials"] ?? null;
    const problems: string[] = [];
    if (seen.plain.events === 0) problems.push(`the plain stream got no event (${seen.plain.errors} errors)`);
    if (seen.credentials.events === 0) problems.push(`the credentialed stream got no event (${seen.credentials.errors} errors)`);
    if (allowOrigin !== other.origin) problems.push(`Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)}, not the origin ${other.origin}`);
    if (allowCredentials !== "true") problems.push(`Access-Control-Allow-Credentials ${JSON.stringify(allowCredentials)}, not "true"`);
    const figure = measured([seen.plain, seen.credentials].filter((s) => s.events > 0).length);
    const evidence = { origin: other.origin, seen, allowOrigin, allowCredentials, vary: head.headers["vary"] ?? null };
    if (problems.length) return fail(problems.join("; "), figure, evidence);
    return pass(`from ${other.origin}: events on both streams (${seen.plain.events} plain, ${seen.credentials.events} with credentials); Access-Control-Allow-Origin is the origin, credentials allowed`, figure, evidence);
  },
});
