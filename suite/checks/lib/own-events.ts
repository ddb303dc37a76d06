/**
 * A black box's own events: a server that offers neither records nor control (docs/contract.md level 1)
 * produces events by itself at the cadence its target file states (`cadenceMs`). Checks that can be
 * judged from those alone (flush.per-event, concurrency.two) take them instead of published ones.
 */
import type { CheckContext } from "../../harness/check.ts";
import type { RawSseClient } from "../../harness/raw-client.ts";
import type { Target } from "../../targets/targets.ts";

/** A target the suite can neither publish to nor read: only what it sends by itself is judged. */
export const isBlackBox = (target: Target) => !(target.offers.has("records") && target.offers.has("control"));

/** Why a black-box check cannot run without a stated cadence, as its skip reason. */
export const NO_CADENCE =
  "needs the cadence of the server's own events to bound its wait: a black box runs this check only with `cadenceMs` in its target file (docs/contract.md)";

/** The bound on waiting for `count` own events: that many intervals, and 3 s for the first. */
export const ownEventsBoundMs = (cadenceMs: number, count: number) => count * cadenceMs + 3000;

/** Starts the black box (a calibration fixture produces at the cadence from SSE_PRODUCER_MS; a user's server ignores it). */
export function startBlackBox(ctx: CheckContext, cadenceMs: number) {
  return ctx.start({ env: { SSE_PRODUCER_MS: String(cadenceMs) } });
}

/** Waits (bounded) until `client` has `count` events; resolves with how many came. */
export async function awaitOwnEvents(client: RawSseClient, count: number, boundMs: number): Promise<number> {
  await client.waitUntil(() => client.events.length >= count || client.end !== undefined, boundMs, `${count} events`).catch(() => {});
  return client.events.length;
}
