/**
 * Timing a close: open a stream, bring it to a moment (idle, writing, before the first event), close
 * it with FIN or RST, and time the server's records for that subscriber from the close. The first
 * four disconnect checks differ only in the record they wait for and the words of their verdict.
 */
import { censored, fail, measured, pass, type Verdict } from "../../model/results.ts";
import type { CheckContext } from "../../harness/check.ts";
import { openStream } from "../../harness/control.ts";
import type { ServerRecord, ServerProcess } from "../../harness/server-process.ts";
import { round, TimeoutError } from "../../harness/wait.ts";
import type { Close } from "../lib/server-output.ts";

export const BOUND_MS = 1000;
/** How long to keep waiting past the bound, to report a late latency rather than only "late". */
export const OBSERVE_MS = 3000;

type Moment = "idle" | "writing" | "before-first-event";

export interface Variant {
  close: Close;
  moment: Moment;
}

export const MID_STREAM: Variant[] = [
  { close: "fin", moment: "idle" },
  { close: "rst", moment: "idle" },
  { close: "fin", moment: "writing" },
  { close: "rst", moment: "writing" },
];

interface Observation {
  variant: string;
  /** ms from our close to the record, or null when it did not come within OBSERVE_MS. */
  ms: number | null;
  /** Why the variant could not be observed: the server did not serve its stream in time (one request at a time). */
  notServed?: string;
}

/** Bound on the wait for an idle stream's opening (its head, its retry:) before the close. */
const IDLE_SETTLE_MS = 1000;

/** Server settings for a moment: idle means the next event is far away; writing, one every 20 ms. */
function envFor(moment: Moment): Record<string, string> {
  return { SSE_PRODUCER_MS: moment === "writing" ? "20" : "0" };
}

/**
 * Opens a stream, closes it as the variant says, and times the arrival of each record of
 * `recordTypes` for that subscriber (all watched at once, each bounded).
 */
async function observeClose(server: ServerProcess, variant: Variant, mitigations: boolean, recordTypes: string[]): Promise<Record<string, Observation>> {
  const opened = await openStream(server, { path: mitigations ? "/events" : "/events?mitigations=0" });
  const { client, sub } = opened;
  if (variant.moment === "writing") await client.waitForEvent(() => true, 3000, "first event");
  if (variant.moment === "before-first-event") await client.waitForHead(3000);
  // Idle: the server has written what it had (the head, and with mitigations the opening retry:) and
  // waits for the next event. Closing before that raced the server's first write, which a server
  // that learns of a close only from a failed write (WSGI) then noticed at once, or not for seconds.
  // A server that holds its head back until the first event (mitigations off) is idle without one:
  // the wait is bounded.
  if (variant.moment === "idle") {
    await client.waitUntil(() => (mitigations ? client.retries.length > 0 : client.head !== undefined), IDLE_SETTLE_MS, "the stream's opening").catch(() => {});
  }
  const records = recordTypes.map((recordType) => {
    const isOurs = (r: ServerRecord) => r.type === recordType && r.sub === sub;
    return server.nextRecord(isOurs, OBSERVE_MS, `${recordType} for subscriber ${sub}`).catch(() => undefined);
  });
  const closedAt = variant.close === "fin" ? client.closeFin() : client.closeRst();
  const arrived = await Promise.all(records);
  return Object.fromEntries(recordTypes.map((type, i) => [type, { variant: `${variant.close}/${variant.moment}`, ms: arrived[i] ? round(arrived[i].at - closedAt) : null }]));
}

export async function observeAll(
  ctx: CheckContext,
  variants: Variant[],
  mitigations: boolean,
  recordType: string,
): Promise<{ observations: Observation[]; servers: Record<Moment, ServerProcess | undefined> }> {
  const { observations, servers } = await observeEach(ctx, variants, mitigations, [recordType]);
  return { observations: observations[recordType]!, servers };
}

/** observeAll for several record types at once: one close per variant, every type timed from it. */
export async function observeEach(
  ctx: CheckContext,
  variants: Variant[],
  mitigations: boolean,
  recordTypes: string[],
): Promise<{ observations: Record<string, Observation[]>; servers: Record<Moment, ServerProcess | undefined> }> {
  const servers: Record<Moment, ServerProcess | undefined> = { idle: undefined, writing: undefined, "before-first-event": undefined };
  const observations: Record<string, Observation[]> = Object.fromEntries(recordTypes.map((type) => [type, []]));
  for (const variant of variants) {
    servers[variant.moment] ??= await ctx.start({ env: envFor(variant.moment) });
    try {
      const seen = await observeClose(servers[variant.moment]!, variant, mitigations, recordTypes);
      for (const type of recordTypes) observations[type]!.push(seen[type]!);
    } catch (error) {
      // A server still busy with an earlier stream it never saw end (one request at a time) serves
      // no other: that variant's record never comes, whether the wait for its stream or for the
      // record runs out first. Judged alike, so that the status does not depend on which.
      if (!(error instanceof TimeoutError)) throw error;
      for (const type of recordTypes) observations[type]!.push({ variant: `${variant.close}/${variant.moment}`, ms: null, notServed: error.message });
    }
  }
  return { observations, servers };
}

/** Every variant within BOUND_MS; the figure is the worst latency, censored when a record never came. */
export function judge(observations: Observation[], what: string): Verdict {
  const missing = observations.filter((o) => o.ms === null).map((o) => o.variant);
  const late = observations.filter((o) => o.ms !== null && o.ms > BOUND_MS).map((o) => `${o.variant} ${o.ms} ms`);
  const worst = Math.max(...observations.map((o) => o.ms ?? OBSERVE_MS));
  const figure = missing.length ? censored(OBSERVE_MS) : measured(worst);
  const evidence = { observations };
  const notServed = observations.filter((o) => o.notServed).map((o) => `${o.variant} (${o.notServed})`);
  const unserved = notServed.length ? `; not served: ${notServed.join(", ")}` : "";
  if (missing.length) return fail(`${what} never within ${OBSERVE_MS} ms for ${missing.join(", ")}${unserved}`, figure, evidence);
  if (late.length) return fail(`${what} later than ${BOUND_MS} ms: ${late.join(", ")}`, figure, evidence);
  return pass(`${what} within ${worst} ms in every variant`, figure, evidence);
}
