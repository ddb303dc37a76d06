/** sigint.*: does the server stop cleanly on Ctrl-C, with streams open and with none? Seed row "stops (cleanly) on Ctrl-C". */
import { censored, type Check, fail, measured, pass } from "../harness/check.ts";
import { describeExit, ENV, EXIT_BOUND_MS, IDLE_EXIT_BOUND_MS, OBSERVE_MS, observeExit, OPEN_STREAMS, signalWithOpenStreams, OPEN_STREAMS_CALIBRATION } from "./lib/signal-exit.ts";

export const sigintOpenStreams: Check = {
  id: "sigint.open-streams",
  group: "D",
  kind: "outcome",
  needs: ["process", "records", "control"],
  passes: "SIGINT with 10 open streams: each client gets a final `shutdown` event (where the target offers `dispatcher`) and a clean end of stream (last chunk of a chunked response, then FIN, no RST); exit code 0 within 2 s; stderr empty",
  seed: "stops (cleanly) on Ctrl-C",
  bounds: { streamsCount: OPEN_STREAMS, exitMs: EXIT_BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "to exit", bound: "exitMs" },
  calibration: OPEN_STREAMS_CALIBRATION,
  timeoutMs: 30_000,
  async run(ctx) {
    return signalWithOpenStreams(await ctx.start({ env: ENV }), "SIGINT");
  },
};

/**
 * Fresh servers signalled one after the other. The signal comes as soon as the server announces
 * readiness: a server that installs its handler only after saying it is ready loses that race some of
 * the time, and several starts make such a race show every time rather than now and then.
 */
const IDLE_STARTS = 10;

export const sigintIdle: Check = {
  id: "sigint.idle",
  group: "D",
  kind: "outcome",
  needs: ["process"],
  passes: "SIGINT with no client: exit code 0 within 1 s",
  bounds: { exitMs: IDLE_EXIT_BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "to exit (worst)", bound: "exitMs" },
  calibration: {
    "hangs-on-signal": /still running \d+ ms after the signal/,
    "exits-nonzero-on-signal": /exit code 1/,
    "exits-late-on-signal": /exit 0 only after [\d.]+ ms \(bound 1000 ms\)/,
  },
  timeoutMs: 60_000,
  async run(ctx) {
    const starts: { code: number | null; signal: string | null; ms: number | null; problem?: string }[] = [];
    for (let i = 0; i < IDLE_STARTS; i++) {
      const server = await ctx.start({ env: ENV });
      const signalAt = server.signal("SIGINT");
      const seen = await observeExit(server, signalAt);
      const problem = describeExit(seen, IDLE_EXIT_BOUND_MS);
      starts.push({ code: seen.exit?.code ?? null, signal: seen.exit?.signal ?? null, ms: seen.ms, ...(problem ? { problem } : {}) });
      // Another start repeats a hang, a late exit or a wrong code; only a lost race needs several.
      if (problem && seen.exit?.signal !== "SIGINT") break;
    }
    const worst = Math.max(...starts.map((s) => s.ms ?? OBSERVE_MS));
    const figure = starts.some((s) => s.ms === null) ? censored(OBSERVE_MS) : measured(worst);
    const evidence = { starts };
    const failed = starts.filter((s) => s.problem);
    if (failed.length) {
      const killed = failed.filter((s) => s.signal === "SIGINT").length;
      const summary = killed
        ? `killed by SIGINT in ${killed} of ${starts.length} starts: the signal was not handled although it came after the readiness line (a handler installed only after the server says it is ready loses this race)`
        : `${failed[0]!.problem}`;
      return fail(`SIGINT with no client: ${summary}`, figure, evidence);
    }
    return pass(`SIGINT with no client: exit 0 in ${starts.length} of ${starts.length} starts, at worst in ${worst} ms`, figure, evidence);
  },
};
