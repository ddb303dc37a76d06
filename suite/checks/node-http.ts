/**
 * Group K: node:http's own disconnect events, measured with the node:http probe (src/node-http-probe.ts),
 * plain node:http code on the target's runtime. The client goes after the first event, by FIN and by
 * RST, with the stream idle and while it writes every 50 ms, as the disconnect checks close theirs.
 * On Bun and Deno these events are each runtime's copy of node:http, and they have not always fired:
 * what an app learns of a client that went depends on which of them it listens to.
 */
import type { Check } from "../harness/check.ts";
import type { ServerProcess, ServerRecord } from "../harness/server-process.ts";
import { round } from "../harness/wait.ts";
import type { Capability } from "../model/capabilities.ts";
import { censored, fail, measured, pass } from "../model/results.ts";
import { CALLBACK_BOUND_MS, NODE_HTTP_PROBE_PATH, type NodeHttpEvent } from "../../src/node-http-probe.ts";
import { BOUND_MS, MID_STREAM, OBSERVE_MS, type Variant } from "./disconnect/close-latency.ts";

const NEEDS: Capability[] = ["records", "control", "node-http", "probes"];
/** Bound on the wait for the probe's opening record and its first events, before the close. */
const OPENING_MS = 3000;

interface Seen {
  variant: string;
  /** ms from our close to the record, or null when it did not come within OBSERVE_MS. */
  ms: number | null;
  record?: ServerRecord;
}

interface OpenProbe {
  variant: Variant;
  probe: unknown;
  client: Awaited<ReturnType<ServerProcess["connect"]>>;
}

/** Opens the probe for `variant` and waits until it has written (writing: at least twice). */
async function openProbe(server: ServerProcess, variant: Variant): Promise<OpenProbe> {
  const opened = server.nextRecord((r) => r.type === "node-http-opened", OPENING_MS, "node-http-opened record");
  const client = await server.connect({ path: NODE_HTTP_PROBE_PATH + (variant.moment === "writing" ? "?writing=1" : "") });
  const probe = (await opened).probe;
  await client.waitForEvent((e) => e.id === (variant.moment === "writing" ? "2" : "1"), OPENING_MS, "the probe's events");
  return { variant, probe, client };
}

/** Closes an open probe as its variant says and times the first record of that probe that passes `wanted`. */
async function closeProbe(server: ServerProcess, { variant, probe, client }: OpenProbe, wanted: (r: ServerRecord) => boolean): Promise<Seen> {
  const record = server.nextRecord((r) => r.probe === probe && wanted(r), OBSERVE_MS).catch(() => undefined);
  const closedAt = variant.close === "fin" ? client.closeFin() : client.closeRst();
  const arrived = await record;
  server.forget(client);
  return { variant: `${variant.close}/${variant.moment}`, ms: arrived ? round(arrived.at - closedAt) : null, ...(arrived ? { record: arrived } : {}) };
}

/**
 * Every variant, each on a probe of its own: opened one after the other (each open waits for its own
 * record), then closed and watched all at once, so that an event that never comes costs one
 * OBSERVE_MS, not four.
 */
async function closeEach(server: ServerProcess, wanted: (r: ServerRecord) => boolean): Promise<Seen[]> {
  const open: OpenProbe[] = [];
  for (const variant of MID_STREAM) open.push(await openProbe(server, variant));
  return Promise.all(open.map((o) => closeProbe(server, o, wanted)));
}

const listed = (seen: Seen[]) => seen.map((s) => `${s.variant} ${s.ms === null ? "never" : `${s.ms} ms`}`).join(", ");
const worstOf = (seen: Seen[]) => (seen.some((s) => s.ms === null) ? censored(OBSERVE_MS) : measured(Math.max(...seen.map((s) => s.ms!))));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What each event is, in the code that listens to it. */
const LISTENERS: Record<NodeHttpEvent, { code: string; who: string }> = {
  "req-close": { code: "req.on('close')", who: "what Express-style SSE code waits on" },
  "req-aborted": { code: "req.on('aborted')", who: "deprecated in Node, still emitted, still used" },
  "res-close": { code: "res.on('close')", who: "what @hono/node-server turns into `request.signal` abort and `cancel()`" },
  "socket-close": { code: "req.socket.on('close')", who: "the connection itself" },
};

function eventCheck(event: NodeHttpEvent): Check {
  const { code, who } = LISTENERS[event];
  return {
    id: `node-http.${event}`,
    group: "K",
    kind: "fact",
    needs: NEEDS,
    passes: `\`${code}\` fires (${who}) within ${BOUND_MS} ms of the client going, by FIN and by RST, idle and while writing every 50 ms`,
    bounds: { closeMs: BOUND_MS, observeMs: OBSERVE_MS },
    figure: { unit: "ms", label: "to the event (worst)", bound: "closeMs" },
    calibration: { [`misses-${event}`]: new RegExp(`^${escape(code)} never fired within ${OBSERVE_MS} ms`) },
    timeoutMs: 60_000,
    async run(ctx) {
      const server = await ctx.start();
      const seen = await closeEach(server, (r) => r.type === "node-http-event" && r.event === event);
      const evidence = { seen: seen.map(({ variant, ms }) => ({ variant, ms })) };
      const never = seen.filter((s) => s.ms === null).map((s) => s.variant);
      const late = seen.filter((s) => s.ms !== null && s.ms > BOUND_MS).map((s) => s.variant);
      const figure = worstOf(seen);
      if (never.length) return fail(`${code} never fired within ${OBSERVE_MS} ms after ${never.join(", ")} (${listed(seen)})`, figure, evidence);
      if (late.length) return fail(`${code} fired later than ${BOUND_MS} ms after ${late.join(", ")} (${listed(seen)})`, figure, evidence);
      return pass(`${code} fired after every close: ${listed(seen)}`, figure, evidence);
    },
  };
}

export const nodeHttpReqClose = eventCheck("req-close");
export const nodeHttpReqAborted = eventCheck("req-aborted");
export const nodeHttpResClose = eventCheck("res-close");
export const nodeHttpSocketClose = eventCheck("socket-close");

/** What one write after the close did, from its record; the problems with it, none when it is right. */
function judgeWrite(seen: Seen): string[] {
  const r = seen.record;
  if (!r) return [`${seen.variant}: no write after the close within ${OBSERVE_MS} ms (none of the four events fired)`];
  const problems: string[] = [];
  if (typeof r.threw === "string") problems.push(`threw ${r.threw}`);
  else if (r.returned !== false && r.callback !== "error") problems.push(`returned ${String(r.returned)} and ${r.callback === "none" ? `did not call back within ${CALLBACK_BOUND_MS} ms` : "called back without an error"}`);
  if (r.destroyed !== true) problems.push(`res.destroyed is false ${CALLBACK_BOUND_MS} ms after the write`);
  return problems.map((p) => `${seen.variant}: ${p}`);
}

export const nodeHttpWriteAfterClose: Check = {
  id: "node-http.write-after-close",
  group: "K",
  kind: "fact",
  needs: NEEDS,
  passes: `\`res.write()\` after the close (at the first of the four events) returns \`false\` or calls back with an error within ${CALLBACK_BOUND_MS} ms; nothing thrown, nothing on stderr; \`res.destroyed\` is true by then; by FIN and by RST, idle and while writing`,
  bounds: { callbackMs: CALLBACK_BOUND_MS, observeMs: OBSERVE_MS },
  calibration: { "swallows-write-after-close": new RegExp(`returned true and did not call back within ${CALLBACK_BOUND_MS} ms`) },
  timeoutMs: 60_000,
  async run(ctx) {
    const server = await ctx.start();
    const stderrBefore = server.stderr.length;
    const seen = await closeEach(server, (r) => r.type === "node-http-write-after-close");
    const printed = server.stderr.slice(stderrBefore).trim();
    const outcomes = seen.map(({ variant, ms, record }) => ({ variant, ms, returned: record?.returned, callback: record?.callback, error: record?.error, threw: record?.threw, destroyedAtWrite: record?.destroyedAtWrite, destroyed: record?.destroyed }));
    const evidence = { seen: outcomes, stderr: printed };
    const problems = seen.flatMap(judgeWrite);
    if (printed) problems.push(`printed on stderr: ${JSON.stringify(printed.slice(0, 200))}`);
    if (problems.length) return fail(problems.join("; "), undefined, evidence);
    const said = seen.map((s) => `${s.variant} ${s.record!.returned === false ? "false" : "true"}${s.record!.callback === "error" ? `, ${String(s.record!.error)}` : ""}`).join("; ");
    return pass(`every write after the close refused (returned, callback): ${said}`, undefined, evidence);
  },
};
