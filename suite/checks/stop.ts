/** stop.*: what the runtime's own graceful stop does with a stream open (a fact: our forcing step not involved). */
import { censored, fail, measured, pass } from "../model/results.ts";
import { type Check } from "../harness/check.ts";
import { openStream, publish } from "../harness/control.ts";
import type { ServerProcess } from "../harness/server-process.ts";
import { round } from "../harness/wait.ts";
import { ENV, GRACEFUL_BOUND_MS, HEAD_TIMEOUT_MS, OBSERVE_MS, observeExit } from "./lib/signal-exit.ts";

/** The runtime file's names for its graceful stop and forcing API, as its `shutdown-started` record says. */
function stopApis(server: ServerProcess): { gracefulApi?: string; forceApi?: string } {
  const started = server.recordsOf("shutdown-started")[0];
  return {
    ...(typeof started?.gracefulApi === "string" ? { gracefulApi: started.gracefulApi } : {}),
    ...(typeof started?.forceApi === "string" ? { forceApi: started.forceApi } : {}),
  };
}

export const stopRuntimeGraceful: Check = {
  id: "stop.runtime-graceful",
  group: "D",
  kind: "fact",
  needs: ["process", "records", "control", "graceful-stop"],
  passes: "the runtime's own graceful stop (`server.close()`, `server.stop()`, `server.shutdown()`, `app.stop()`) finishes within 2 s while one stream is open. Where it hangs, the note names the API that forces it",
  bounds: { stopMs: GRACEFUL_BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "graceful stop", bound: "stopMs" },
  calibration: {
    "graceful-stop-waits-for-streams": /did not finish within \d+ ms with one stream open/,
  },
  // Node's server.close(), like Bun's stop() and Deno's shutdown(), waits for open streams.
  passesOn: ["fixture:flawless"],
  timeoutMs: 30_000,
  async run(ctx) {
    // graceful-only: on the signal the server calls only its runtime's graceful stop, leaves the
    // streams open, and reports `graceful-stop-finished` when the runtime says it is done.
    const server = await ctx.start({ env: { ...ENV, SSE_SHUTDOWN: "graceful-only" } });
    // A fact: no early write, no heartbeat, no timeout override on this stream.
    const { client, sub } = await openStream(server, { path: "/events?mitigations=0" });
    // One event through, so that the stream is open on the wire (Bun holds the head back until
    // the first body bytes: oven-sh/bun#33660).
    await publish(server, { event: "open", data: "1" });
    await client.waitForEvent((e) => e.event === "open", HEAD_TIMEOUT_MS, "the first event");

    const signalAt = server.signal("SIGINT");
    const [finished, exitSeen] = await Promise.all([
      server.waitForRecord((r) => r.type === "graceful-stop-finished", OBSERVE_MS, "graceful-stop-finished").catch(() => undefined),
      observeExit(server, signalAt),
    ]);
    const apis = stopApis(server);
    const gracefulApi = apis.gracefulApi ?? "the runtime's graceful stop";
    const finishedMs = finished ? round(finished.at - signalAt) : null;
    const figure = finishedMs === null ? censored(OBSERVE_MS) : measured(finishedMs);
    const failed = server.recordsOf("graceful-stop-failed")[0];
    const evidence = {
      apis,
      finishedMs,
      exit: exitSeen.exit ? { code: exitSeen.exit.code, signal: exitSeen.exit.signal, ms: exitSeen.ms } : null,
      stream: { sub, end: client.end ? { ...client.end, ms: round(client.end.at - signalAt) } : "still open" },
      serverSaid: server.records
        .filter((r) => !["listening", "subscribed"].includes(r.type))
        .map((r) => ({ ...r, msAfterSignal: round(r.at - signalAt) })),
    };

    if (failed) return fail(`${gracefulApi} failed: ${String(failed.error)}`, figure, evidence);
    if (finishedMs !== null && finishedMs <= GRACEFUL_BOUND_MS) {
      return pass(`${gracefulApi} finished in ${finishedMs} ms with one stream open`, figure, evidence);
    }
    if (finishedMs !== null) {
      return fail(`${gracefulApi} finished only after ${finishedMs} ms with one stream open (bound ${GRACEFUL_BOUND_MS} ms)`, figure, evidence);
    }
    if (exitSeen.exit) {
      return fail(
        `the server exited (code ${exitSeen.exit.code}, signal ${exitSeen.exit.signal}) ${exitSeen.ms} ms after SIGINT without reporting that ${gracefulApi} finished`,
        figure,
        evidence,
      );
    }
    // The API named, not its effect: whether it ends the stream is stop.deadline-force's measurement
    // (Deno's serve signal abort() after shutdown() does not: its note).
    const forcing = apis.forceApi ? `; the forcing API: ${apis.forceApi} (stop.deadline-force measures whether it ends the stream)` : "";
    return fail(
      `${gracefulApi} did not finish within ${OBSERVE_MS} ms with one stream open (bound ${GRACEFUL_BOUND_MS} ms)${forcing}`,
      figure,
      evidence,
    );
  },
};

// ---------------------------------------------------------------------------------------------
// stop.deadline-force: group H

const FORCE_AFTER_MS = 500;
const FORCED_END_MS = 1000;

export const stopDeadlineForce: Check = {
  id: "stop.deadline-force",
  group: "H",
  kind: "fact",
  needs: ["process", "records", "control", "graceful-stop"],
  passes:
    "the runtime's graceful stop, then its forcing API 500 ms later (`server.closeAllConnections()`, `server.stop(true)`), one stream open: the stream ends within 1 s of the force, and the stream's `cancel()` or the request's signal fires",
  bounds: { forceAfterMs: FORCE_AFTER_MS, endMs: FORCED_END_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "stream end after the force", bound: "endMs" },
  calibration: {
    "force-leaves-streams-open": /the stream was still open \d+ ms after the forcing step \(server\.closeAllConnections\(\)\)/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const server = await ctx.start({ env: { ...ENV, SSE_SHUTDOWN: "graceful-then-force", SSE_GRACE_MS: String(FORCE_AFTER_MS) } });
    // A fact: no early write, no heartbeat, no timeout override on this stream.
    const { client, sub } = await openStream(server, { path: "/events?mitigations=0" });
    await publish(server, { event: "open", data: "1" });
    await client.waitForEvent((e) => e.event === "open", HEAD_TIMEOUT_MS, "the first event");

    const signalAt = server.signal("SIGINT");
    const forced = await server.waitForRecord((r) => r.type === "force-called", OBSERVE_MS, "force-called").catch(() => undefined);
    const apis = stopApis(server);
    const forceApi = apis.forceApi ?? "the forcing API";
    const evidenceOf = () => ({
      apis,
      forcedMsAfterSignal: forced ? round(forced.at - signalAt) : null,
      stream: { sub, end: client.end ? { ...client.end, msAfterForce: forced ? round(client.end.at - forced.at) : null } : "still open" },
      serverSaid: server.records.filter((r) => !["listening", "subscribed"].includes(r.type)).map((r) => ({ ...r, msAfterSignal: round(r.at - signalAt) })),
    });
    const finished = server.recordsOf("graceful-stop-finished")[0];
    if (!forced) {
      // The graceful stop finished, or the process exited, before the deadline: nothing to force.
      const why = finished ? `${apis.gracefulApi ?? "the graceful stop"} finished ${round(finished.at - signalAt)} ms after SIGINT, before the deadline` : `no force-called record within ${OBSERVE_MS} ms of SIGINT`;
      const streamEnded = client.end !== undefined;
      if (finished && streamEnded) return pass(`${why}; the stream had ended`, measured(0), evidenceOf());
      return fail(why, undefined, evidenceOf());
    }
    // Bounded: the end must come within 1 s of the force.
    const end = await client.waitForEnd(FORCED_END_MS).catch(() => undefined);
    const notified = await server
      .waitForRecord((r) => r.sub === sub && (r.type === "signal-aborted" || r.type === "stream-cancelled"), FORCED_END_MS, "the stream's cancel() or signal")
      .catch(() => undefined);
    const evidence = evidenceOf();
    if (!end) return fail(`the stream was still open ${FORCED_END_MS} ms after the forcing step (${forceApi})`, censored(FORCED_END_MS), evidence);
    const endMs = round(end.at - forced.at);
    if (!notified) return fail(`the stream ended ${endMs} ms after ${forceApi} (${end.how}), but neither its cancel() nor the request's signal fired within ${FORCED_END_MS} ms`, measured(endMs), evidence);
    return pass(`${forceApi} ended the stream in ${endMs} ms (${end.how}); the server saw ${notified.type}`, measured(endMs), evidence);
  },
};
