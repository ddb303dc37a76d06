/**
 * completion.*: a stream that the server ends normally must not look like a disconnect (no abort, no
 * cancel(), nothing on stderr).
 */
import { type Check } from "../harness/check.ts";
import { fail, measured, pass, type Verdict } from "../model/results.ts";
import { endStreams, openStream, publish, stats, type OpenedStream } from "../harness/control.ts";
import type { ServerProcess } from "../harness/server-process.ts";
import { round } from "../harness/wait.ts";
import { nonEmptyLines } from "./lib/server-output.ts";

// ---------------------------------------------------------------------------------------------
// completion.signal-quiet

/**
 * How the connection ends with the response: `close` (the request says `Connection: close`, so the
 * last chunk is followed by the server's FIN) or `keep-alive` (the connection stays open, idle, after
 * the last chunk, as a browser's would).
 */
type Ending = "close" | "keep-alive";
const ENDINGS: Ending[] = ["close", "keep-alive"];
const END_BOUND_MS = 3000;

interface CompletionObservation {
  ending: Ending;
  sub: number;
  /** The server's record of the end it chose. */
  endMechanism: string | null;
  /** When the client saw the body end, harness clock. */
  clientEnd: { how: string; lastChunk: boolean } | null;
  /**
   * signal-aborted / stream-cancelled of the ended stream: ms after the server ended it (both on the
   * server's clock) and after the client saw the end (harness clock).
   */
  lateRecords: { type: string; afterEnd: boolean; msAfterServerEnd: number | null; msAfterClientEnd: number; reason?: unknown }[];
  stderr: string;
}

/**
 * One stream, mitigations off, ended by the server while the client reads on. A late abort is
 * looked for up to a follow-up subscription: its `subscribed` record comes on the same ordered
 * channel after anything the server reported about the first stream before it took the next request.
 * On a keep-alive connection the client then closes the idle connection, as a browser eventually
 * does, and a second follow-up bounds the look for an abort that closing provokes: the response was
 * complete, so that abort would be as spurious as one at the end itself.
 */
async function observeCompletion(server: ServerProcess, ending: Ending): Promise<CompletionObservation> {
  const headers: Record<string, string> = ending === "close" ? { connection: "close" } : {};
  const { client, sub } = await openStream(server, { path: "/events?mitigations=0", headers });
  // Left open until the observation is over: closing them would be disconnects, not this check's subject.
  const followUps: OpenedStream[] = [];
  const followUp = async () => {
    followUps.push(await openStream(server, { path: "/events?mitigations=0" }));
    await stats(server);
  };
  // One event first: the stream is really flowing (and Bun.serve has sent its headers) before the end.
  await publish(server, { event: "before-end", data: "x" });
  await client.waitForEvent((e) => e.event === "before-end", END_BOUND_MS, "the event before the end");
  const ended = await endStreams(server);
  if (ended.ended !== 1) throw new Error(`POST /control/end-streams ended ${ended.ended} streams, expected 1`);
  const clientEndAt =
    ending === "close"
      ? (await client.waitForEnd(END_BOUND_MS)).at
      : await client.waitUntil(() => client.lastChunkAt !== undefined, END_BOUND_MS, "the last chunk on a keep-alive connection").then(() => client.lastChunkAt!);
  await followUp();
  if (ending === "keep-alive") {
    client.closeFin();
    await client.waitForEnd(END_BOUND_MS);
    await followUp();
  }

  const endRecord = server.records.find((r) => r.type === "unsubscribed" && r.sub === sub);
  const lateRecords = server.records
    .filter((r) => (r.type === "signal-aborted" || r.type === "stream-cancelled") && r.sub === sub)
    .map((r) => ({
      type: r.type,
      afterEnd: r.afterEnd === true,
      msAfterServerEnd: endRecord ? round(r.t - endRecord.t) : null,
      msAfterClientEnd: round(r.at - clientEndAt),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    }));
  return {
    ending,
    sub,
    endMechanism: endRecord ? String(endRecord.mechanism) : null,
    clientEnd: ending === "close" && client.end ? { how: client.end.how, lastChunk: client.end.lastChunk } : { how: "last chunk, then our FIN on the idle connection", lastChunk: true },
    lateRecords,
    stderr: server.stderr,
  };
}

function judgeCompletion(observations: CompletionObservation[]): Verdict {
  const problems: string[] = [];
  for (const o of observations) {
    if (o.endMechanism !== "server-end") problems.push(`${o.ending}: the stream ended by ${o.endMechanism ?? "nothing reported"}, not by the server`);
    for (const r of o.lateRecords) {
      const what = r.type === "signal-aborted" ? "request.signal aborted" : "cancel() ran";
      problems.push(`${o.ending}: ${what} ${r.afterEnd ? `${r.msAfterServerEnd} ms after the server ended the stream` : "before the end was processed"}`);
    }
    const stderr = nonEmptyLines(o.stderr);
    if (stderr.length) problems.push(`${o.ending}: stderr ${JSON.stringify(stderr[0]!.slice(0, 200))}`);
  }
  const figure = measured(observations.reduce((sum, o) => sum + o.lateRecords.length, 0));
  const evidence = { observations };
  const bound = "observed up to a follow-up request's subscribed record (keep-alive: also after closing the idle connection)";
  if (problems.length) return fail(`${problems.join("; ")}; ${bound}`, figure, evidence);
  return pass(`normal end (Connection: close, and keep-alive): no abort, no cancel(), stderr empty; ${bound}`, figure, evidence);
}

export const completionSignalQuiet: Check = {
  id: "completion.signal-quiet",
  group: "A",
  kind: "fact",
  needs: ["records", "control", "abort-signal"],
  passes: "a stream the server ends normally: `request.signal` does not abort, `cancel()` does not run, stderr stays empty",
  bounds: { endMs: END_BOUND_MS },
  figure: { unit: "count", label: "aborts/cancels after a normal end" },
  calibration: {
    "aborts-signal-on-completion": /request\.signal aborted [\d.]+ ms after the server ended the stream/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const observations: CompletionObservation[] = [];
    // A server per ending: the follow-up stream of one must not become a stream ended by the next.
    for (const ending of ENDINGS) {
      const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
      observations.push(await observeCompletion(server, ending));
    }
    return judgeCompletion(observations);
  },
};
