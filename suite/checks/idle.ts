/**
 * Group E of the catalogue (CHECKS.md), idle half: does a stream with nothing to say stay open?
 *
 * Bun.serve closes a connection with no traffic for `idleTimeout`, 10 s by default, streams included
 * (bun.sh docs; oven-sh/bun#27479); the app lifts it per stream with `server.timeout(req, 0)`
 * (oven-sh/bun#13772) and sends a heartbeat comment every SSE_HEARTBEAT_MS. The fact shows the runtime
 * without either, the outcome with both.
 */
import { type Check, type CheckContext } from "../harness/check.ts";
import { fail, measured, pass, type Verdict } from "../model/results.ts";
import { openStream, publish } from "../harness/control.ts";
import type { ReceivedEvent } from "../harness/raw-client.ts";
import { delay, round } from "../harness/wait.ts";

/** The silence the catalogue prescribes. */
const IDLE_MS = 15_000;
const EVENT_OBSERVE_MS = 5000;
/** The app's default, set explicitly so that the outcome does not drift with the default. */
const HEARTBEAT_MS = "5000";

const byId = (id: number) => (e: ReceivedEvent) => e.id === String(id);

/**
 * One event (which also pushes the headers out where a runtime holds them back), then 15 s without
 * any, then one more that must still arrive on the same connection.
 */
async function observeSilence(ctx: CheckContext, path: string, env: Record<string, string>): Promise<Verdict> {
  const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", ...env } });
  const { client, sub } = await openStream(server, { path });
  const before = await publish(server, { event: "before-idle", data: "x" });
  const last = await client.waitForEvent(byId(before.id), EVENT_OBSERVE_MS, "the event before the silence");
  const silentFrom = last.at;
  // The observation window itself: a bounded wait for the end of the stream, which must not come.
  const end = await client.waitForEnd(IDLE_MS).catch(() => undefined);
  // When the stream ended, give the server a moment to say what it saw (bounded, evidence only).
  if (end) await server.waitForRecord((r) => r.type === "unsubscribed" && r.sub === sub, 1000).catch(() => undefined);
  const serverSide = server.records.filter((r) => r.sub === sub && r.type !== "subscribed").map((r) => ({ type: r.type, mechanism: r.mechanism, afterSilenceMs: round(r.at - silentFrom) }));
  const evidence: Record<string, unknown> = {
    path,
    heartbeatsReceived: client.comments.length,
    heartbeatArrivalsMs: client.comments.map((c) => round(c.at - silentFrom)),
    serverSide,
    // A stream closed by a signal from outside is not an idle timeout: say so if one came.
    signalsReceived: server.recordsOf("shutdown-started").map((r) => r.signal),
  };
  if (end) {
    const openMs = round(end.at - silentFrom);
    return fail(
      `the connection was closed (${end.how}${end.lastChunk ? ", after the last chunk" : ", no last chunk"}) after ${openMs} ms without events`,
      measured(openMs),
      { ...evidence, end },
    );
  }
  const after = await publish(server, { event: "after-idle", data: "y" });
  const arrived = await client.waitForEvent(byId(after.id), EVENT_OBSERVE_MS, "the event after the silence").catch(() => undefined);
  const openMs = round(performance.now() - silentFrom);
  const figure = measured(openMs);
  if (!arrived) return fail(`the connection stayed open ${IDLE_MS} ms but the next event did not arrive within ${EVENT_OBSERVE_MS} ms`, figure, { ...evidence, end: client.end ?? null });
  return pass(`open after ${IDLE_MS} ms without events; the next event arrived ${round(arrived.at - after.sentAt, 2)} ms after publication`, figure, evidence);
}

export const idleHeartbeat: Check = {
  id: "idle.heartbeat",
  group: "E",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "with the app's heartbeat on, a stream with no events for 15 s stays open",
  bounds: { silenceMs: IDLE_MS, observeMs: EVENT_OBSERVE_MS },
  figure: { unit: "ms", label: "open while silent", bound: "silenceMs" },
  calibration: {
    "drops-idle-streams": /the connection was closed .* after [\d.]+ ms without events/,
  },
  timeoutMs: 30_000,
  waits: true,
  run: (ctx) => observeSilence(ctx, "/events", { SSE_HEARTBEAT_MS: HEARTBEAT_MS }),
};

export const idleRuntimeDefault: Check = {
  id: "idle.runtime-default",
  group: "E",
  kind: "fact",
  needs: ["records", "control"],
  passes: "with the heartbeat off, a stream with no events for 15 s stays open",
  bounds: { silenceMs: IDLE_MS, observeMs: EVENT_OBSERVE_MS },
  figure: { unit: "ms", label: "open while silent", bound: "silenceMs" },
  calibration: {
    "drops-idle-streams": /the connection was closed .* after [\d.]+ ms without events/,
  },
  timeoutMs: 30_000,
  waits: true,
  run: (ctx) => observeSilence(ctx, "/events?mitigations=0", {}),
};


// ---------------------------------------------------------------------------------------------
// idle.server-timeouts: group H

const TIMEOUTS_MS = 1000;
const ACTIVE_MS = 5000;
const ACTIVE_SPACING_MS = 250;
const QUIET_MS = 3000;

export const idleServerTimeouts: Check = {
  id: "idle.server-timeouts",
  group: "H",
  kind: "fact",
  needs: ["records", "control", "node-http"],
  passes:
    "with node:http's `requestTimeout`, `headersTimeout` and `keepAliveTimeout` at 1 s, a stream that gets events for 5 s, then none for 3 s, stays open and gets the next event",
  bounds: { timeoutsMs: TIMEOUTS_MS, activeMs: ACTIVE_MS, quietMs: QUIET_MS, observeMs: EVENT_OBSERVE_MS },
  figure: { unit: "ms", label: "stream open", bound: "activeMs" },
  calibration: {
    "times-out-whole-responses": /the stream ended \(\w+.*\) [\d.]+ ms after it opened/,
  },
  timeoutMs: 30_000,
  waits: true,
  async run(ctx) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", SSE_NODE_TIMEOUTS_MS: String(TIMEOUTS_MS) } });
    const { client } = await openStream(server, { path: "/events?mitigations=0" });
    const openedAt = client.openedAt;
    const ended = () => client.end !== undefined;
    const evidence = (extra: Record<string, unknown> = {}) => ({ timeoutsMs: TIMEOUTS_MS, eventsReceived: client.events.length, ...extra });
    const endedVerdict = () =>
      fail(`the stream ended (${client.end!.how}${client.end!.lastChunk ? ", after the last chunk" : ", no last chunk"}) ${round(client.end!.at - openedAt)} ms after it opened`, measured(round(client.end!.at - openedAt)), evidence({ end: client.end }));
    // Events for 5 s, on a fixed schedule: the stream is active, as the timeouts see it.
    for (let at = 0; at < ACTIVE_MS; at += ACTIVE_SPACING_MS) {
      await delay(Math.max(0, openedAt + at - performance.now()));
      if (ended()) return endedVerdict();
      await publish(server, { event: "active", data: String(at) });
    }
    // Then quiet: the observation window is a bounded wait for an end that must not come.
    await client.waitForEnd(QUIET_MS).catch(() => undefined);
    if (ended()) return endedVerdict();
    const after = await publish(server, { event: "after-quiet", data: "z" });
    const arrived = await client.waitForEvent(byId(after.id), EVENT_OBSERVE_MS, "the event after the quiet").catch(() => undefined);
    if (ended()) return endedVerdict();
    const openMs = round(performance.now() - openedAt);
    if (!arrived) return fail(`open after ${ACTIVE_MS} ms of events and ${QUIET_MS} ms without, but the next event did not arrive within ${EVENT_OBSERVE_MS} ms`, measured(openMs), evidence());
    return pass(`with the three timeouts at ${TIMEOUTS_MS} ms, open after ${ACTIVE_MS} ms of events and ${QUIET_MS} ms without; the next event arrived`, measured(openMs), evidence());
  },
};
