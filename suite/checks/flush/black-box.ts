/**
 * flush.per-event on a black box, a target the suite can neither publish to nor read: judged from the
 * server's own events, at the cadence its target file states.
 */
import { censored, fail, measured, pass, skip, type Verdict } from "../../model/results.ts";
import type { CheckContext } from "../../harness/check.ts";
import { round } from "../../harness/wait.ts";
import { awaitOwnEvents, NO_CADENCE, ownEventsBoundMs, startBlackBox } from "../lib/own-events.ts";

/** Own events a black box must send, each in a read of its own, for flush.per-event. */
const OWN_EVENTS = 6;

/**
 * flush.per-event on a black box: nothing can be published, so its own events are judged. Flushed
 * per event, each arrives in a read of its own; a buffering server delivers several in one. The
 * figure is the worst lateness against the stated cadence (an event's gap minus the cadence).
 */
export async function flushOwnEvents(ctx: CheckContext): Promise<Verdict> {
  const cadenceMs = ctx.target.cadenceMs;
  if (cadenceMs === undefined) return skip(NO_CADENCE);
  const server = await startBlackBox(ctx, cadenceMs);
  const client = await server.connect();
  const boundMs = ownEventsBoundMs(cadenceMs, OWN_EVENTS);
  const received = await awaitOwnEvents(client, OWN_EVENTS, boundMs);
  const events = client.events.slice(0, OWN_EVENTS);
  const gaps = events.slice(1).map((e, i) => round(e.at - events[i]!.at, 2));
  // The raw client stamps every event with the read that completed it: one stamp, one read.
  const batched = events.slice(1).filter((e, i) => e.at === events[i]!.at).map((_, i) => i + 2);
  const evidence = { cadenceMs, gapsMs: gaps, batchedWithPrevious: batched, reads: client.bodyChunks.length };
  if (received < OWN_EVENTS) return fail(`only ${received} own events within ${boundMs} ms (stated cadence ${cadenceMs} ms)`, censored(boundMs), evidence);
  const figure = measured(Math.max(0, ...gaps.map((g) => round(g - cadenceMs, 2))));
  if (batched.length) return fail(`own events ${batched.join(", ")} (of ${OWN_EVENTS}) arrived in one read with the event before`, figure, evidence);
  return pass(`${OWN_EVENTS} own events every ${cadenceMs} ms, each in its own read (gaps ${gaps.join(", ")} ms)`, figure, evidence);
}
