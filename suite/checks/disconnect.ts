/**
 * Group A of CHECKS.md: does the server notice that the client went away, and stop producing?
 * Seed rows "stops thread/calling next()", "calls close()", "does not throw or spew".
 */
import { fail, pass, type Check, type CheckContext, type Verdict } from "../harness/check.ts";
import { openStream, publish, stats } from "../harness/control.ts";
import type { ServerRecord, ServerProcess } from "../harness/server-process.ts";
import { round } from "../harness/wait.ts";

const BOUND_MS = 1000;
/** How long to keep waiting past the bound, to report a late latency rather than only "late". */
const OBSERVE_MS = 3000;

type Close = "fin" | "rst";
type Moment = "idle" | "writing" | "before-first-event";

interface Variant {
  close: Close;
  moment: Moment;
}

const MID_STREAM: Variant[] = [
  { close: "fin", moment: "idle" },
  { close: "rst", moment: "idle" },
  { close: "fin", moment: "writing" },
  { close: "rst", moment: "writing" },
];

interface Observation {
  variant: string;
  /** ms from our close to the record, or null when it did not come within OBSERVE_MS. */
  ms: number | null;
}

/** Server settings for a moment: idle means the next event is far away; writing, one every 20 ms. */
function envFor(moment: Moment): Record<string, string> {
  return { SSE_PRODUCER_MS: moment === "writing" ? "20" : "0" };
}

/**
 * Opens a stream, closes it as the variant says, and times the arrival of the record `recordType`
 * for that subscriber.
 */
async function observeClose(server: ServerProcess, variant: Variant, mitigations: boolean, recordType: string): Promise<Observation> {
  const opened = await openStream(server, { path: mitigations ? "/events" : "/events?mitigations=0" });
  const { client, sub } = opened;
  try {
    if (variant.moment === "writing") await client.waitForEvent(() => true, 3000, "first event");
    if (variant.moment === "before-first-event") await client.waitForHead(3000);
    const isOurs = (r: ServerRecord) => r.type === recordType && r.sub === sub;
    const record = server.nextRecord(isOurs, OBSERVE_MS, `${recordType} for subscriber ${sub}`).catch(() => undefined);
    const closedAt = variant.close === "fin" ? client.closeFin() : client.closeRst();
    const arrived = await record;
    return { variant: `${variant.close}/${variant.moment}`, ms: arrived ? round(arrived.at - closedAt) : null };
  } finally {
    client.socket.destroy();
  }
}

async function observeAll(
  ctx: CheckContext,
  variants: Variant[],
  mitigations: boolean,
  recordType: string,
): Promise<{ observations: Observation[]; servers: Record<Moment, ServerProcess | undefined> }> {
  const servers: Record<Moment, ServerProcess | undefined> = { idle: undefined, writing: undefined, "before-first-event": undefined };
  const observations: Observation[] = [];
  for (const variant of variants) {
    servers[variant.moment] ??= await ctx.start({ env: envFor(variant.moment) });
    observations.push(await observeClose(servers[variant.moment]!, variant, mitigations, recordType));
  }
  return { observations, servers };
}

function judge(observations: Observation[], what: string): Verdict {
  const missing = observations.filter((o) => o.ms === null).map((o) => o.variant);
  const late = observations.filter((o) => o.ms !== null && o.ms > BOUND_MS).map((o) => `${o.variant} ${o.ms} ms`);
  const worst = Math.max(...observations.map((o) => o.ms ?? OBSERVE_MS));
  const figure = { value: worst, unit: "ms" as const, label: "worst latency" };
  const evidence = { observations };
  if (missing.length) return fail(`${what} never within ${OBSERVE_MS} ms for ${missing.join(", ")}`, figure, evidence);
  if (late.length) return fail(`${what} later than ${BOUND_MS} ms: ${late.join(", ")}`, figure, evidence);
  return pass(`${what} within ${worst} ms in every variant`, figure, evidence);
}

export const disconnectSignal: Check = {
  id: "disconnect.signal",
  kind: "fact",
  calibration: ["never-notices-disconnect"],
  timeoutMs: 30_000,
  async run(ctx) {
    const { observations } = await observeAll(ctx, MID_STREAM, false, "signal-aborted");
    return judge(observations, "request.signal aborted");
  },
};

export const disconnectCancel: Check = {
  id: "disconnect.cancel",
  kind: "fact",
  calibration: ["never-notices-disconnect"],
  timeoutMs: 30_000,
  async run(ctx) {
    const { observations } = await observeAll(ctx, MID_STREAM, false, "stream-cancelled");
    return judge(observations, "the body's cancel()");
  },
};

export const disconnectProducerStops: Check = {
  id: "disconnect.producer-stops",
  kind: "outcome",
  calibration: ["never-notices-disconnect", "keeps-writing-after-disconnect"],
  timeoutMs: 30_000,
  async run(ctx) {
    const { observations, servers } = await observeAll(ctx, MID_STREAM, true, "unsubscribed");
    const verdict = judge(observations, "the dispatcher dropped the subscriber");
    if (verdict.status !== "pass") return verdict;
    // "never writes to it again": publish more, then the server must count no subscriber at all.
    for (const server of Object.values(servers)) {
      if (!server) continue;
      await publish(server, { event: "after-close", data: "x", count: 3 });
      const { subscribers } = await stats(server);
      if (subscribers !== 0) {
        return fail(`the server still holds ${subscribers} subscriber(s) after every client closed`, verdict.figure, verdict.evidence);
      }
    }
    return verdict;
  },
};

export const disconnectBeforeFirstEvent: Check = {
  id: "disconnect.before-first-event",
  kind: "outcome",
  calibration: ["never-notices-disconnect"],
  timeoutMs: 30_000,
  async run(ctx) {
    const variants: Variant[] = [
      { close: "fin", moment: "before-first-event" },
      { close: "rst", moment: "before-first-event" },
    ];
    const facts: Record<string, Observation[]> = {};
    for (const type of ["signal-aborted", "stream-cancelled"]) {
      facts[type] = (await observeAll(ctx, variants, true, type)).observations;
    }
    const verdict = judge((await observeAll(ctx, variants, true, "unsubscribed")).observations, "a client gone before any event was dropped");
    return { ...verdict, evidence: { ...verdict.evidence, signal: facts["signal-aborted"], cancel: facts["stream-cancelled"] } };
  },
};
