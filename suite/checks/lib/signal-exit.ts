/**
 * What the checks of group D (sigint.*, sigterm.*, stop.*) share: watching a server process exit after
 * a signal, its stderr complete, and the open streams it had to end.
 */
import { censored, fail, measured, pass, type Verdict } from "../../model/results.ts";
import { openStream } from "../../harness/control.ts";
import type { RawSseClient } from "../../harness/raw-client.ts";
import type { Exit, ServerProcess } from "../../harness/server-process.ts";
import { round, withTimeout } from "../../harness/wait.ts";

/** No demo producer: the only events on the wire are the check's and the server's final one. */
export const ENV = { SSE_PRODUCER_MS: "0" };
export const OPEN_STREAMS = 10;
export const EXIT_BOUND_MS = 2000;
export const IDLE_EXIT_BOUND_MS = 1000;
export const GRACEFUL_BOUND_MS = 2000;
/** How long to keep watching past a bound, to report a late exit rather than only "late". */
export const OBSERVE_MS = 5000;
export const HEAD_TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------------------------------
// Observing the process

export interface ExitSeen {
  exit: Exit | undefined;
  /** ms from the signal to the exit, null when it did not exit within OBSERVE_MS. */
  ms: number | null;
}

export async function observeExit(server: ServerProcess, signalAt: number): Promise<ExitSeen> {
  const exit = await server.waitForExit(OBSERVE_MS).catch(() => undefined);
  return { exit, ms: exit ? round(exit.at - signalAt) : null };
}

/** The server's stderr, complete: after the exit, wait (bounded) for its pipes to drain. */
export async function completeStderr(server: ServerProcess): Promise<string> {
  if (server.hasExited) await withTimeout(server.closed, 1000, "stderr pipe close").catch(() => {});
  return server.stderr;
}

/** What the server printed, quoted: its first line. Why it printed it is curated (footnotes), not measured. */
export function describeStderr(stderr: string): string {
  const first = stderr.trim().split("\n")[0]!.slice(0, 160);
  return `stderr not empty: ${JSON.stringify(first)}`;
}

export function describeExit({ exit, ms }: ExitSeen, boundMs: number): string | undefined {
  if (!exit) return `still running ${OBSERVE_MS} ms after the signal`;
  if (exit.signal) return `killed by ${exit.signal} after ${ms} ms (the signal was not handled)`;
  if (exit.code !== 0) return `exit code ${exit.code} after ${ms} ms`;
  if (ms! > boundMs) return `exit 0 only after ${ms} ms (bound ${boundMs} ms)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Signal with open streams (sigint.open-streams, sigterm.open-streams)

export interface StreamSeen {
  sub: number;
  /** The last event the client received, and when (ms after the signal). */
  lastEvent: string | null;
  lastEventMs: number | null;
  /** How the connection ended, whether the chunked body's last chunk came first, ms after the signal. */
  how: string | null;
  lastChunk: boolean;
  /** The response was chunked: only then is there a last chunk to expect (HTTP/1.0 ends by closing). */
  chunked: boolean;
  endMs: number | null;
  /** Socket errors after the end (an RST after the FIN). */
  errorsAfterEnd: string[];
}

export function streamSeen(sub: number, client: RawSseClient, signalAt: number, errorsAfterEnd: string[]): StreamSeen {
  const last = client.events.at(-1);
  return {
    sub,
    lastEvent: last?.event ?? null,
    lastEventMs: last ? round(last.at - signalAt) : null,
    how: client.end?.how ?? null,
    lastChunk: client.end?.lastChunk ?? false,
    chunked: client.isChunked,
    endMs: client.end ? round(client.end.at - signalAt) : null,
    errorsAfterEnd,
  };
}

/**
 * Problems with the streams, each naming how many of them and how. The final `shutdown` event is our
 * dispatcher's criterion: it applies only where `dispatcher` is offered (docs/contract.md).
 */
export function streamProblems(streams: StreamSeen[], dispatcher = true): string[] {
  const problems: string[] = [];
  const noShutdown = dispatcher ? streams.filter((s) => s.lastEvent !== "shutdown") : [];
  if (noShutdown.length) {
    const lasts = [...new Set(noShutdown.map((s) => s.lastEvent ?? "none"))].join(", ");
    problems.push(`${noShutdown.length} of ${streams.length} streams got no final \`shutdown\` event (last event: ${lasts})`);
  }
  const unclean = streams.filter((s) => s.how !== "fin" || (s.chunked && !s.lastChunk) || s.errorsAfterEnd.length);
  if (unclean.length) {
    const kinds = new Map<string, number>();
    for (const s of unclean) {
      const kind =
        s.how === null
          ? `still open after ${OBSERVE_MS} ms`
          : `${s.how}${!s.chunked ? " (not chunked)" : s.lastChunk ? " after the last chunk" : " without the last chunk"}${s.errorsAfterEnd.length ? `, then ${s.errorsAfterEnd[0]}` : ""}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const shown = [...kinds].map(([kind, n]) => `${n}× ${kind}`).join(", ");
    problems.push(`${unclean.length} of ${streams.length} streams did not end cleanly (last chunk, FIN, no RST): ${shown}`);
  }
  return problems;
}

/** The fixtures that sigint.open-streams and sigterm.open-streams must both flag, each with its reason. */
export const OPEN_STREAMS_CALIBRATION: Record<string, RegExp> = {
    "hangs-on-signal": /still running|did not exit|no exit/,
    "exits-nonzero-on-signal": /exit code 1/,
    "exits-late-on-signal": /exit 0 only after [\d.]+ ms \(bound 2000 ms\)/,
    "resets-streams-on-shutdown": /did not end cleanly \(last chunk, FIN, no RST\)/,
    "no-shutdown-event": /no final `shutdown` event/,
    "logs-to-stderr-on-shutdown": /stderr not empty/,
};

export async function signalWithOpenStreams(server: ServerProcess, signal: "SIGINT" | "SIGTERM"): Promise<Verdict> {
  const dispatcher = server.target.offers.has("dispatcher");
  const opened = [];
  // A server that serves fewer streams at once (one thread, a small pool) is still signalled with
  // those it opened: how it stops is measured all the same, and the shortfall is a problem of its own.
  let shortfall: string | undefined;
  for (let i = 0; i < OPEN_STREAMS; i++) {
    try {
      opened.push(await openStream(server, { timeoutMs: HEAD_TIMEOUT_MS }));
    } catch (error) {
      shortfall = `only ${opened.length} of ${OPEN_STREAMS} streams opened (stream ${i + 1}: ${(error as Error).message})`;
      break;
    }
  }
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

  const problems = [...(shortfall ? [shortfall] : []), ...streamProblems(streams, dispatcher)];
  const exitProblem = describeExit(exitSeen, EXIT_BOUND_MS);
  if (exitProblem) problems.push(exitProblem);
  if (stderr.trim()) problems.push(describeStderr(stderr));

  const figure = exitSeen.ms === null ? censored(OBSERVE_MS) : measured(exitSeen.ms);
  const evidence = {
    exit: exitSeen.exit ? { code: exitSeen.exit.code, signal: exitSeen.exit.signal, ms: exitSeen.ms } : null,
    streams,
    serverSaid: server.records
      .filter((r) => !["listening", "subscribed", "unsubscribed", "signal-aborted", "stream-cancelled"].includes(r.type))
      .map((r) => ({ ...r, msAfterSignal: round(r.at - signalAt) })),
  };
  if (problems.length) return fail(`${signal} with ${opened.length} open streams: ${problems.join("; ")}`, figure, evidence);
  const slowestEnd = Math.max(0, ...streams.map((s) => s.endMs!));
  return pass(
    `${signal}: all ${OPEN_STREAMS} streams got ${dispatcher ? "`shutdown`, " : ""}the last chunk and a FIN (last at ${slowestEnd} ms); exit 0 in ${exitSeen.ms} ms; stderr empty`,
    figure,
    evidence,
  );
}

