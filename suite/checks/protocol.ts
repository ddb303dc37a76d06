/**
 * Group E of the catalogue (CHECKS.md), protocol half: what the stream looks like to a spec-conformant
 * client (https://html.spec.whatwg.org/multipage/server-sent-events.html), with every mitigation on.
 * The idle half (idle.*) lives in ./idle.ts.
 */
import { type Check } from "../harness/check.ts";
import { fail, measured, pass } from "../model/results.ts";
import { ascending, percentile } from "../model/percentile.ts";
import { openStream, publish } from "../harness/control.ts";
import type { RawSseClient, ReceivedEvent } from "../harness/raw-client.ts";
import type { ServerProcess } from "../harness/server-process.ts";
import { round } from "../harness/wait.ts";

const HEAD_OBSERVE_MS = 2000;
const EVENT_OBSERVE_MS = 3000;
const QUIET = { SSE_PRODUCER_MS: "0" };

const byId = (id: number) => (e: ReceivedEvent) => e.id === String(id);

/** POST /control/publish, keeping the status (control.ts's publish() throws on anything but 2xx). */
async function publishRaw(server: ServerProcess, body: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(server.url + "/control/publish", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: (await response.text()).slice(0, 300) };
}

/** Errors the server reported or printed: a check that says "without error" reads both. */
function serverErrors(server: ServerProcess): { stderr: string; escaped: unknown[] } {
  return {
    stderr: server.stderr,
    escaped: server.records.filter((r) => r.type === "uncaught-error" || r.type === "unhandled-rejection"),
  };
}

/** The media type of a Content-Type value, without parameters, lower-cased. */
const mediaType = (value: string | undefined) => value?.split(";")[0]!.trim().toLowerCase();

export const protocolHeaders: Check = {
  id: "protocol.headers",
  group: "E",
  kind: "outcome",
  needs: [],
  passes: "`Content-Type: text/event-stream`, `Cache-Control: no-cache`, no `Content-Length`, no `Content-Encoding`",
  bounds: { headMs: HEAD_OBSERVE_MS },
  figure: { unit: "count", label: "header problems" },
  calibration: {
    "wrong-content-type": /Content-Type "text\/plain/,
  },
  timeoutMs: 15_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    // As a browser asks: a server (Deno.serve) that compresses by itself would show it here. The
    // head alone is judged, so a black box will do.
    const client = await server.connect({ headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    const head = await client.waitForHead(HEAD_OBSERVE_MS);
    const h = head.headers;
    const cacheDirectives = (h["cache-control"] ?? "").split(",").map((d) => d.trim().toLowerCase());
    const problems = [
      head.status === 200 ? null : `status ${head.status}`,
      mediaType(h["content-type"]) === "text/event-stream" ? null : `Content-Type ${JSON.stringify(h["content-type"] ?? null)}`,
      cacheDirectives.includes("no-cache") ? null : `Cache-Control ${JSON.stringify(h["cache-control"] ?? null)} without no-cache`,
      h["content-length"] === undefined ? null : `Content-Length ${h["content-length"]}`,
      h["content-encoding"] === undefined ? null : `Content-Encoding ${h["content-encoding"]}`,
    ].filter((p) => p !== null);
    const evidence = { statusLine: head.statusLine, headers: h, requestedAcceptEncoding: "gzip, deflate, br, zstd" };
    const figure = measured(problems.length);
    if (problems.length) return fail(`wrong response head: ${problems.join("; ")}`, figure, evidence);
    return pass(`Content-Type ${h["content-type"]}, Cache-Control ${h["cache-control"]}, no Content-Length, no Content-Encoding`, figure, evidence);
  },
};

/** Data with every kind of line break, each trying to forge a field or a whole event. */
const HOSTILE_DATA = [
  "lf one\nevent: forged\nlf three",
  "cr one\rid: 666\rcr three",
  "crlf one\r\nretry: 1\r\n\r\ndata: forged event\r\n",
  "\n\nmixed\r\n\rdata: x\n\r:comment?",
];
/** An event name with a line break has no faithful encoding: it must be refused. */
const HOSTILE_EVENT_NAMES = ["name\nevent: forged", "name\rid: 666", "name\r\ndata: forged\r\n\r\n"];

/** What a conformant parser makes of data lines: every CRLF, CR or LF becomes one LF. */
const asParsed = (data: string) => data.split(/\r\n|\r|\n/).join("\n");

export const protocolInjection: Check = {
  id: "protocol.injection",
  group: "E",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "data, event names and ids containing `\\n`, `\\r` or `\\r\\n` never create an extra field or event at a spec-conformant parser",
  bounds: { observeMs: EVENT_OBSERVE_MS },
  figure: { unit: "count", label: "injections" },
  calibration: {
    "writes-raw-newlines": /^line breaks created fields or events/,
  },
  timeoutMs: 15_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const { client } = await openStream(server);
    await client.waitForHead(HEAD_OBSERVE_MS);
    const dataIds: number[] = [];
    for (const data of HOSTILE_DATA) dataIds.push((await publish(server, { data })).id);
    const refusals = [];
    for (const event of HOSTILE_EVENT_NAMES) refusals.push({ event, ...(await publishRaw(server, { event, data: "payload" })) });
    // Everything before this one is on the wire once it arrives (one stream, in order).
    const sentinel = await publish(server, { event: "sentinel", data: "end" });
    await client.waitForEvent(byId(sentinel.id), EVENT_OBSERVE_MS, "the sentinel event");

    const expected = [
      ...HOSTILE_DATA.map((data, i) => ({ id: String(dataIds[i]), event: "message", data: asParsed(data) })),
      { id: String(sentinel.id), event: "sentinel", data: "end" },
    ];
    const received = client.events.map(({ id, event, data }) => ({ id, event, data }));
    const problems: string[] = [];
    if (received.length !== expected.length) problems.push(`${received.length} events arrived for ${expected.length} published`);
    expected.forEach((want, i) => {
      const got = received[i];
      if (!got || got.id !== want.id || got.event !== want.event || got.data !== want.data) {
        problems.push(`event ${i + 1}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got ?? null)}`);
      }
    });
    // The stream opens with one retry: field; a forged one would be a second.
    if (client.retries.length > 1) problems.push(`${client.retries.length} retry fields (${client.retries.join(", ")})`);
    for (const r of refusals) if (r.status !== 400) problems.push(`event name ${JSON.stringify(r.event)} answered HTTP ${r.status}, not 400`);

    const evidence = {
      received,
      retries: client.retries,
      eventNameRefusals: refusals,
      ids:
        "ids are assigned by the server (consecutive integers) and cannot be chosen through /control/publish; " +
        "on the wire every id must be the one the server returned, so no data can forge one. The encoder's " +
        "refusal of CR, LF and NUL in ids is covered by tests/unit/sse.test.ts",
    };
    const figure = measured(problems.length);
    if (problems.length) return fail(`line breaks created fields or events: ${problems.join("; ")}`, figure, evidence);
    return pass(
      `${HOSTILE_DATA.length} data values with LF, CR and CRLF arrived as one event each, joined by LF; ${HOSTILE_EVENT_NAMES.length} event names with line breaks refused with HTTP 400`,
      figure,
      evidence,
    );
  },
};

/** The events of `client` as [id, data] pairs, for evidence. */
const seen = (client: RawSseClient) => client.events.map((e) => [e.id ?? null, e.data]);

/**
 * Opens a stream with `Last-Event-ID: value`, publishes one new event, and says whether the stream
 * was a fresh one: status 200, and that new event the first to arrive.
 */
async function freshStreamFor(server: ServerProcess, name: string, value: string) {
  const { client } = await openStream(server, { headers: { "last-event-id": value } });
  const head = await client.waitForHead(HEAD_OBSERVE_MS);
  const live = await publish(server, { event: "live", data: `after ${name} id` });
  await client.waitForEvent(byId(live.id), EVENT_OBSERVE_MS, `the live event after a ${name} Last-Event-ID`).catch(() => undefined);
  const first = client.events[0];
  return {
    name,
    idLength: value.length,
    status: head.status,
    fresh: head.status === 200 && first !== undefined && first.id === String(live.id),
    events: seen(client),
  };
}

export const protocolResume: Check = {
  id: "protocol.resume",
  group: "E",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "reconnecting with `Last-Event-ID` replays the missed events in order, no loss, no duplicate; a garbage, huge or unknown id starts a fresh stream without error",
  bounds: { observeMs: EVENT_OBSERVE_MS },
  figure: { unit: "count", label: "missed events replayed" },
  calibration: {
    "ignores-last-event-id": /^resuming after id \d+ gave ids .* lost/,
  },
  timeoutMs: 20_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });

    // 1. A client sees three events, then goes away.
    const first = await openStream(server);
    const before: number[] = [];
    for (let i = 1; i <= 3; i++) before.push((await publish(server, { data: `seen ${i}` })).id);
    const lastSeen = await first.client.waitForEvent(byId(before.at(-1)!), EVENT_OBSERVE_MS, "the third event");
    first.client.closeFin();

    // 2. Five events it misses.
    const missed: number[] = [];
    for (let i = 1; i <= 5; i++) missed.push((await publish(server, { data: `missed ${i}` })).id);

    // 3. It comes back with the id it last saw, and one more event is published live.
    const back = await openStream(server, { headers: { "last-event-id": lastSeen.id! } });
    let resumed;
    await back.client.waitForHead(HEAD_OBSERVE_MS);
    const live = await publish(server, { data: "live after resume" });
    await back.client.waitForEvent(byId(live.id), EVENT_OBSERVE_MS, "the live event after the resume").catch(() => undefined);
    const expected = [...missed, live.id].map(String);
    const got = back.client.events.map((e) => e.id ?? "(none)");
    resumed = { lastEventId: lastSeen.id, expected, got, ok: got.length === expected.length && got.every((id, i) => id === expected[i]) };

    // 4. Ids the server cannot resume from: each must simply start a fresh stream.
    const fresh = [
      await freshStreamFor(server, "garbage", "not-an-id; <script>"),
      await freshStreamFor(server, "huge", "9".repeat(4096)),
      await freshStreamFor(server, "unknown", String(missed.at(-1)! + 1000)),
    ];
    const errors = serverErrors(server);

    const problems: string[] = [];
    if (!resumed.ok) {
      const lost = resumed.expected.filter((id) => !resumed.got.includes(id));
      const duplicated = resumed.got.filter((id, i) => resumed.got.indexOf(id) !== i);
      problems.push(
        `resuming after id ${resumed.lastEventId} gave ids [${resumed.got.join(", ")}], expected [${resumed.expected.join(", ")}]` +
          (lost.length ? `; lost ${lost.join(", ")}` : "") +
          (duplicated.length ? `; duplicated ${duplicated.join(", ")}` : ""),
      );
    }
    for (const f of fresh) if (!f.fresh) problems.push(`a ${f.name} Last-Event-ID did not start a fresh stream (status ${f.status}, events ${JSON.stringify(f.events).slice(0, 200)})`);
    if (errors.stderr || errors.escaped.length) problems.push(`the server reported errors: ${errors.stderr.slice(0, 300)}${JSON.stringify(errors.escaped).slice(0, 300)}`);

    const figure = measured(resumed.got.filter((id) => missed.map(String).includes(id)).length);
    const evidence = { resumed, fresh: fresh.map(({ events, ...rest }) => ({ ...rest, events: events.slice(0, 5) })), subscribed: server.recordsOf("subscribed") };
    if (problems.length) return fail(problems.join("; "), figure, evidence);
    return pass(`the ${missed.length} missed events were replayed in order, once each, before the live one; garbage, 4 KB and unknown ids started fresh streams`, figure, evidence);
  },
};

export const protocolRetry: Check = {
  id: "protocol.retry",
  group: "E",
  kind: "outcome",
  needs: [],
  passes: "the stream opens with a `retry:` field",
  bounds: { headMs: HEAD_OBSERVE_MS },
  figure: { unit: "ms", label: "announced retry" },
  calibration: {
    "no-retry-field": /no retry: field/,
  },
  timeoutMs: 15_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const requestedAt = performance.now();
    // Whatever the stream opens with is judged, so a black box will do.
    const client = await server.connect();
    const head = await client.waitForHead(HEAD_OBSERVE_MS);
    // Nothing is published: whatever arrives is how the stream opens.
    await client.waitUntil(() => client.retries.length > 0 || client.events.length > 0, HEAD_OBSERVE_MS, "the opening of the stream").catch(() => undefined);
    const firstField = client.bodyText.split(/\r\n|\r|\n/).find((line) => line !== "" && !line.startsWith(":"));
    const evidence = {
      firstField: firstField ?? null,
      retries: client.retries,
      headersAfterMs: round(head.at - requestedAt, 2),
      bodyStart: client.bodyText.slice(0, 200),
    };
    if (client.retries.length === 0 || !firstField?.startsWith("retry:")) {
      return fail(
        firstField === undefined
          ? `the stream opened with nothing within ${HEAD_OBSERVE_MS} ms of its headers: no retry: field`
          : `the stream opened with ${JSON.stringify(firstField)}, not a retry: field`,
        undefined,
        evidence,
      );
    }
    return pass(`the stream opened with ${JSON.stringify(firstField)}`, measured(client.retries[0]!), evidence);
  },
};


// ---------------------------------------------------------------------------------------------
// protocol.no-transform, protocol.head: group H

export const protocolNoTransform: Check = {
  id: "protocol.no-transform",
  group: "H",
  kind: "outcome",
  needs: [],
  passes: "`Cache-Control` carries `no-transform`, so that proxies and compression middleware leave the stream alone",
  bounds: { headMs: HEAD_OBSERVE_MS },
  calibration: {
    "allows-transform": /Cache-Control "no-cache" without no-transform/,
  },
  timeoutMs: 15_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const client = await server.connect();
    const head = await client.waitForHead(HEAD_OBSERVE_MS);
    const value = head.headers["cache-control"];
    const directives = (value ?? "").split(",").map((d) => d.trim().toLowerCase());
    const evidence = { statusLine: head.statusLine, headers: head.headers };
    if (!directives.includes("no-transform")) return fail(`Cache-Control ${JSON.stringify(value ?? null)} without no-transform`, undefined, evidence);
    return pass(`Cache-Control ${value}`, undefined, evidence);
  },
};

const HEAD_BOUND_MS = 200;
const HEAD_REQUESTS = 100;
const HEAD_SETTLE_MS = 1000;

export const protocolHead: Check = {
  id: "protocol.head",
  group: "H",
  kind: "outcome",
  needs: ["records"],
  passes: "`HEAD /events` returns the SSE headers and no body within 200 ms (the median of 100 HEADs); 100 HEADs leave 0 subscribers after 1 s",
  bounds: { headMs: HEAD_BOUND_MS, heads: HEAD_REQUESTS, settleMs: HEAD_SETTLE_MS },
  figure: { unit: "count", label: "subscribers left by HEADs" },
  calibration: {
    "head-leaks-subscribers": /\d+ of 100 HEAD requests left a subscriber 1000 ms after/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const server = await ctx.start({ env: QUIET });
    const subscribedBefore = server.recordsOf("subscribed").length;
    const first = await server.connect({ method: "HEAD" });
    const head = await first.waitForHead(HEAD_OBSERVE_MS).catch(() => undefined);
    const firstHeadMs = head ? round(head.at - first.openedAt) : null;
    const headTimes = firstHeadMs === null ? [] : [firstHeadMs];
    // A body after a HEAD's head would show within the same bound.
    await first.waitUntil(() => first.bytesAfterHead > 0, HEAD_BOUND_MS, "bytes after the head").catch(() => undefined);
    const problems: string[] = [];
    if (!head) problems.push(`no response head within ${HEAD_OBSERVE_MS} ms`);
    else {
      if (head.status !== 200) problems.push(`status ${head.status}`);
      if (mediaType(head.headers["content-type"]) !== "text/event-stream") problems.push(`Content-Type ${JSON.stringify(head.headers["content-type"] ?? null)}`);
    }
    if (first.bytesAfterHead > 0) problems.push(`${first.bytesAfterHead} bytes of body after the head`);
    first.closeFin();
    // The other 99, each bounded; one without an answer ends the series (a server that hangs on HEAD).
    let unanswered: number | undefined;
    for (let i = 1; i < HEAD_REQUESTS && head && unanswered === undefined; i++) {
      const client = await server.connect({ method: "HEAD" });
      const answer = await client.waitForHead(HEAD_OBSERVE_MS).catch(() => undefined);
      if (!answer) unanswered = i + 1;
      else headTimes.push(round(answer.at - client.openedAt));
      client.closeFin();
      server.forget(client);
    }
    if (unanswered !== undefined) problems.push(`HEAD request ${unanswered} got no response head within ${HEAD_OBSERVE_MS} ms`);
    // The time to the head is judged on the median of the HEADs: the first one alone, on a server
    // just started and two shared cores, is the machine's as much as the server's, while a server that
    // holds a HEAD's head back holds it back every time.
    const headMs = headTimes.length ? round(percentile(ascending(headTimes), 50)!) : null;
    if (headMs !== null && headMs > HEAD_BOUND_MS) problems.push(`the head took ${headMs} ms, the median of ${headTimes.length} HEADs (bound ${HEAD_BOUND_MS} ms)`);
    const lastAt = performance.now();
    // Subscribers a HEAD opened must be gone within the window: wait for the last to go, bounded.
    const leftOf = () => {
      const opened = server.recordsOf("subscribed").slice(subscribedBefore).map((r) => r.sub);
      const gone = new Set(server.recordsOf("unsubscribed").map((r) => r.sub));
      return opened.filter((sub) => !gone.has(sub));
    };
    await server.waitForRecord(() => leftOf().length === 0, HEAD_SETTLE_MS).catch(() => undefined);
    const left = leftOf();
    const subscribed = server.recordsOf("subscribed").length - subscribedBefore;
    const evidence = { headMs, firstHeadMs, worstHeadMs: headTimes.length ? Math.max(...headTimes) : null, statusLine: head?.statusLine ?? null, headers: head?.headers ?? null, bytesAfterHead: first.bytesAfterHead, subscribedByHeads: subscribed, leftSubscribed: left.length, settleMs: round(performance.now() - lastAt) };
    if (left.length) problems.push(`${left.length} of ${HEAD_REQUESTS} HEAD requests left a subscriber ${HEAD_SETTLE_MS} ms after the last`);
    const figure = measured(left.length);
    if (problems.length) return fail(problems.join("; "), figure, evidence);
    const subs = subscribed ? `${subscribed} subscribed and all dropped` : "none subscribed";
    return pass(`HEAD: SSE headers in ${headMs} ms (the median; the first in ${firstHeadMs} ms), no body; ${HEAD_REQUESTS} HEADs: ${subs}`, figure, evidence);
  },
};
