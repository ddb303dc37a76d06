/**
 * error.mid-stream (group H): the producer of a stream throws after two events, as a generator or a
 * pull() that fails does. What a user needs then: the server stays up (`/health` answers), the error
 * is printed once (not swallowed, not spewed), and the client sees the stream end within 1 s, not a
 * stream that hangs. Whether the client can tell that end from a clean one (no last chunk, or a reset)
 * is recorded as a fact (honojs/hono#2164, denoland/deno#33166).
 */
import { type Check } from "../harness/check.ts";
import { fail, measured, pass } from "../model/results.ts";
import { health } from "../harness/control.ts";
import { round, withTimeout } from "../harness/wait.ts";
import { PROBE_ERROR_MESSAGE } from "../../src/probes.ts";

const THREW_OBSERVE_MS = 3000;
const END_BOUND_MS = 1000;
const HEALTH_BOUND_MS = 1000;

export const errorMidStream: Check = {
  id: "error.mid-stream",
  group: "H",
  kind: "outcome",
  needs: ["process", "records", "control", "probes"],
  passes:
    "the producer throws after 2 events: the client sees the end within 1 s, `/health` still answers, the error is printed once; whether the end can be told from a clean one is recorded",
  bounds: { endMs: END_BOUND_MS, healthMs: HEALTH_BOUND_MS },
  figure: { unit: "ms", label: "end after the throw", bound: "endMs" },
  calibration: {
    "hides-stream-errors": /the stream was still open 1000 ms after the producer threw/,
  },
  timeoutMs: 20_000,
  async run(ctx) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
    const client = await server.connect({ path: "/probe/throws" });
    const threw = await server.waitForRecord((r) => r.type === "probe-threw", THREW_OBSERVE_MS, "the probe's throw");
    const end = await client.waitForEnd(END_BOUND_MS).catch(() => undefined);
    const answer = await withTimeout(health(server), HEALTH_BOUND_MS, "GET /health").catch((error: Error) => error);
    // Everything it printed: the process stopped and its pipes drained, then counted.
    await server.stop();
    await withTimeout(server.closed, 2000, "the server's output").catch(() => {});
    const printed = (server.stderr + "\n" + server.stdoutNoise.map((n) => n.line).join("\n")).split("\n").filter((line) => line.includes(PROBE_ERROR_MESSAGE)).length;
    // A connection closed before any status line is not a clean end: the client has no response at all
    // (Deno.serve up to 2.8.2, on hyper, closes with nothing written; the Deno-owned HTTP/1.1 path that is the
    // default from 2.8.3, denoland/deno#34446, writes the head and the events first).
    const responded = client.head !== undefined;
    const aborted = end ? end.how === "rst" || !responded || (client.isChunked && !end.lastChunk) : null;
    const evidence = {
      eventsBeforeTheThrow: client.events.length,
      responded,
      bytesReceived: client.bytesReceived,
      end: end ?? "still open",
      chunked: client.isChunked,
      endTellsAbort: aborted,
      health: answer instanceof Error ? answer.message : answer,
      timesPrinted: printed,
      stderr: server.stderr.slice(0, 2000),
    };
    const endMs = end ? round(end.at - threw.at) : null;
    const figure = measured(endMs ?? END_BOUND_MS);
    const endSaid = !end ? "" : !responded ? `${end.how} before any response: no status line` : `${end.how}${client.isChunked ? (end.lastChunk ? ", after the last chunk: as a clean end" : ", no last chunk: an abort") : end.how === "rst" ? ": an abort" : ": as a clean end"}`;
    const problems = [
      end ? "" : `the stream was still open ${END_BOUND_MS} ms after the producer threw`,
      answer instanceof Error ? `/health did not answer: ${answer.message}` : answer.ok ? "" : "/health said ok: false",
      printed === 1 ? "" : printed === 0 ? "the error was not printed" : `the error was printed ${printed} times`,
    ].filter(Boolean);
    if (!end) return fail(problems.join("; "), { value: END_BOUND_MS, censored: true }, evidence);
    if (problems.length) return fail(`the stream ended ${endMs} ms after the throw (${endSaid}); ${problems.join("; ")}`, figure, evidence);
    return pass(`the stream ended ${endMs} ms after the throw (${endSaid}); /health answered; the error printed once`, figure, evidence);
  },
};
