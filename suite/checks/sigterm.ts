/** sigterm.*: does the server stop as cleanly on SIGTERM (what a process manager or a container sends) as on Ctrl-C? */
import { type Check } from "../harness/check.ts";
import { ENV, EXIT_BOUND_MS, OBSERVE_MS, OPEN_STREAMS, signalWithOpenStreams, OPEN_STREAMS_CALIBRATION } from "./lib/signal-exit.ts";

export const sigtermOpenStreams: Check = {
  id: "sigterm.open-streams",
  group: "D",
  kind: "outcome",
  needs: ["process", "records", "control"],
  passes: "as `sigint.open-streams`, for SIGTERM",
  bounds: { streamsCount: OPEN_STREAMS, exitMs: EXIT_BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "to exit", bound: "exitMs" },
  calibration: { ...OPEN_STREAMS_CALIBRATION, "only-handles-sigint": /no final `shutdown` event/ },
  timeoutMs: 30_000,
  async run(ctx) {
    return signalWithOpenStreams(await ctx.start({ env: ENV }), "SIGTERM");
  },
};
