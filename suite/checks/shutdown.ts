/**
 * Group D of ../shared/CHECKS.md: does the server stop cleanly on Ctrl-C and SIGTERM, its clients told
 * and their streams ended properly? Seed row "stops (cleanly) on Ctrl-C".
 */
import { fail, pass, type Check, type Verdict } from "../harness/check.ts";
import { openStream, publish } from "../harness/control.ts";
import type { RawSseClient } from "../harness/raw-client.ts";
import type { Exit, ServerProcess } from "../harness/server-process.ts";
import { round, withTimeout } from "../harness/wait.ts";

/** No demo producer: the only events on the wire are the check's and the server's final one. */
const ENV = { SSE_PRODUCER_MS: "0" };
const OPEN_STREAMS = 10;
const EXIT_BOUND_MS = 2000;
const IDLE_EXIT_BOUND_MS = 1000;
const GRACEFUL_BOUND_MS = 2000;
/** How long to keep watching past a bound, to report a late exit rather than only "late". */
const OBSERVE_MS = 5000;
const HEAD_TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------------------------------
// Observing the process

interface ExitSeen {
  exit: Exit | undefined;
  /** ms from the signal to the exit, null when it did not exit within OBSERVE_MS. */
  ms: number | null;
}

async function observeExit(server: ServerProcess, signalAt: number): Promise<ExitSeen> {
  const exit = await server.waitForExit(OBSERVE_MS).catch(() => undefined);
  return { exit, ms: exit ? round(exit.at - signalAt) : null };
}

/** The server's stderr, complete: after the exit, wait (bounded) for its pipes to drain. */
async function completeStderr(server: ServerProcess): Promise<string> {
  if (server.hasExited) await withTimeout(server.closed, 1000, "stderr pipe close").catch(() => {});
  return server.stderr;
}

/** Runtime messages on stderr whose cause is known upstream (/work/notes/upstream-quirks.md). */
const KNOWN_STDERR: { pattern: RegExp; cause: string }[] = [
  {
    pattern: /request\.signal aborts on successful responses \(legacy behavior\)/,
    cause:
      "Deno's one-time legacy-abort deprecation warning, printed when a handler that read request.signal completes " +
      "(denoland/deno#34397; behaviour denoland/deno#27005; opt out with --unstable-no-legacy-abort)",
  },
];

function describeStderr(stderr: string): string {
  const first = stderr.trim().split("\n")[0]!.slice(0, 160);
  const known = KNOWN_STDERR.find((k) => k.pattern.test(stderr));
  return `stderr not empty: ${JSON.stringify(first)}${known ? ` — ${known.cause}` : ""}`;
}

function describeExit({ exit, ms }: ExitSeen, boundMs: number): string | undefined {
  if (!exit) return `still running ${OBSERVE_MS} ms after the signal`;
  if (exit.signal) return `killed by ${exit.signal} after ${ms} ms (the signal was not handled)`;
  if (exit.code !== 0) return `exit code ${exit.code} after ${ms} ms`;
  if (ms! > boundMs) return `exit 0 only after ${ms} ms (bound ${boundMs} ms)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Signal with open streams (sigint.open-streams, sigterm.open-streams)

interface StreamSeen {
  sub: number;
  /** The last event the client received, and when (ms after the signal). */
  lastEvent: string | null;
  lastEventMs: number | null;
  /** How the connection ended, whether the chunked body's last chunk came first, ms after the signal. */
  how: string | null;
  lastChunk: boolean;
  endMs: number | null;
  /** Socket errors after the end (an RST after the FIN). */
  errorsAfterEnd: string[];
}

function streamSeen(sub: number, client: RawSseClient, signalAt: number, errorsAfterEnd: string[]): StreamSeen {
  const last = client.events.at(-1);
  return {
    sub,
    lastEvent: last?.event ?? null,
    lastEventMs: last ? round(last.at - signalAt) : null,
    how: client.end?.how ?? null,
    lastChunk: client.end?.lastChunk ?? false,
    endMs: client.end ? round(client.end.at - signalAt) : null,
    errorsAfterEnd,
  };
}

/** Problems with the streams, each naming how many of them and how. */
function streamProblems(streams: StreamSeen[]): string[] {
  const problems: string[] = [];
  const noShutdown = streams.filter((s) => s.lastEvent !== "shutdown");
  if (noShutdown.length) {
    const lasts = [...new Set(noShutdown.map((s) => s.lastEvent ?? "none"))].join(", ");
    problems.push(`${noShutdown.length} of ${streams.length} streams got no final \`shutdown\` event (last event: ${lasts})`);
  }
  const unclean = streams.filter((s) => s.how !== "fin" || !s.lastChunk || s.errorsAfterEnd.length);
  if (unclean.length) {
    const kinds = new Map<string, number>();
    for (const s of unclean) {
      const kind =
        s.how === null
          ? `still open after ${OBSERVE_MS} ms`
          : `${s.how}${s.lastChunk ? " after the last chunk" : " without the last chunk"}${s.errorsAfterEnd.length ? `, then ${s.errorsAfterEnd[0]}` : ""}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const shown = [...kinds].map(([kind, n]) => `${n}× ${kind}`).join(", ");
    problems.push(`${unclean.length} of ${streams.length} streams did not end cleanly (last chunk, FIN, no RST): ${shown}`);
  }
  return problems;
}

async function signalWithOpenStreams(server: ServerProcess, signal: "SIGINT" | "SIGTERM"): Promise<Verdict> {
  const opened = [];
  for (let i = 0; i < OPEN_STREAMS; i++) opened.push(await openStream(server));
  try {
    await Promise.all(opened.map(({ client }) => client.waitForHead(HEAD_TIMEOUT_MS)));
    const errorsAfterEnd = opened.map(({ client }) => {
      const errors: string[] = [];
      client.socket.on("error", (error: NodeJS.ErrnoException) => {
        if (client.end && client.end.how !== "rst") errors.push(error.code === "ECONNRESET" ? "RST" : String(error.code ?? error.message));
      });
      return errors;
    });

    const signalAt = server.signal(signal);
    const [exitSeen] = await Promise.all([
      observeExit(server, signalAt),
      ...opened.map(({ client }) => client.waitForEnd(OBSERVE_MS).catch(() => undefined)),
    ]);
    const stderr = await completeStderr(server);
    const streams = opened.map(({ client, sub }, i) => streamSeen(sub, client, signalAt, errorsAfterEnd[i]!));

    const problems = streamProblems(streams);
    const exitProblem = describeExit(exitSeen, EXIT_BOUND_MS);
    if (exitProblem) problems.push(exitProblem);
    if (stderr.trim()) problems.push(describeStderr(stderr));

    const figure = { value: exitSeen.ms ?? OBSERVE_MS, unit: "ms" as const, label: "to exit" };
    const evidence = {
      exit: exitSeen.exit ? { code: exitSeen.exit.code, signal: exitSeen.exit.signal, ms: exitSeen.ms } : null,
      streams,
      serverSaid: server.records
        .filter((r) => !["listening", "subscribed", "unsubscribed", "signal-aborted", "stream-cancelled"].includes(r.type))
        .map((r) => ({ ...r, msAfterSignal: round(r.at - signalAt) })),
    };
    if (problems.length) return fail(`${signal} with ${OPEN_STREAMS} open streams: ${problems.join("; ")}`, figure, evidence);
    const slowestEnd = Math.max(...streams.map((s) => s.endMs!));
    return pass(
      `${signal}: all ${OPEN_STREAMS} streams got \`shutdown\`, the last chunk and a FIN (last at ${slowestEnd} ms); exit 0 in ${exitSeen.ms} ms; stderr empty`,
      figure,
      evidence,
    );
  } finally {
    for (const { client } of opened) client.socket.destroy();
  }
}

const OPEN_STREAM_FIXTURES = [
  "hangs-on-signal",
  "exits-nonzero-on-signal",
  "exits-late-on-signal",
  "resets-streams-on-shutdown",
  "no-shutdown-event",
  "logs-to-stderr-on-shutdown",
];

export const sigintOpenStreams: Check = {
  id: "sigint.open-streams",
  kind: "outcome",
  calibration: OPEN_STREAM_FIXTURES,
  timeoutMs: 30_000,
  async run(ctx) {
    return signalWithOpenStreams(await ctx.start({ env: ENV }), "SIGINT");
  },
};

export const sigtermOpenStreams: Check = {
  id: "sigterm.open-streams",
  kind: "outcome",
  calibration: [...OPEN_STREAM_FIXTURES, "only-handles-sigint"],
  timeoutMs: 30_000,
  async run(ctx) {
    return signalWithOpenStreams(await ctx.start({ env: ENV }), "SIGTERM");
  },
};

// ---------------------------------------------------------------------------------------------------
// sigint.idle

/**
 * Fresh servers signalled one after the other. The signal comes as soon as the server announces
 * readiness: a server that installs its handler only after saying it is ready loses that race some of
 * the time, and several starts make such a race show every time rather than now and then.
 */
const IDLE_STARTS = 10;

export const sigintIdle: Check = {
  id: "sigint.idle",
  kind: "outcome",
  calibration: ["hangs-on-signal", "exits-nonzero-on-signal", "exits-late-on-signal"],
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
    const figure = { value: worst, unit: "ms" as const, label: "to exit (worst)" };
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

// ---------------------------------------------------------------------------------------------------
// stop.runtime-graceful (fact)

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
  kind: "fact",
  calibration: ["graceful-stop-waits-for-streams"],
  // Node's server.close(), like Bun's stop() and Deno's shutdown(), waits for open streams.
  passesOn: ["fixture:graceful-stop-ends-streams"],
  timeoutMs: 30_000,
  async run(ctx) {
    // graceful-only: on the signal the server calls only its runtime's graceful stop, leaves the
    // streams open, and reports `graceful-stop-finished` when the runtime says it is done.
    const server = await ctx.start({ env: { ...ENV, SSE_SHUTDOWN: "graceful-only" } });
    // A fact: no early write, no heartbeat, no timeout override on this stream.
    const { client, sub } = await openStream(server, { path: "/events?mitigations=0" });
    try {
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
      const figure = { value: finishedMs ?? OBSERVE_MS, unit: "ms" as const, label: "graceful stop" };
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
      const forcing = apis.forceApi ? `; ${apis.forceApi} forces it` : "";
      return fail(
        `${gracefulApi} did not finish within ${OBSERVE_MS} ms with one stream open (bound ${GRACEFUL_BOUND_MS} ms)${forcing}`,
        figure,
        evidence,
      );
    } finally {
      client.socket.destroy();
    }
  },
};

export const SHUTDOWN_CHECKS: Check[] = [sigintOpenStreams, sigintIdle, sigtermOpenStreams, stopRuntimeGraceful];
