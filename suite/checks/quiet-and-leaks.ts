/**
 * Group A of ../shared/CHECKS.md, the seed row "does not throw or spew" and what a disconnect leaves
 * behind: disconnect.quiet, disconnect.no-leak, completion.signal-quiet.
 */
import { fail, pass, skip, type Check, type Verdict } from "../harness/check.ts";
import { collectGarbage, endStreams, health, openStream, publish, stats, type OpenedStream } from "../harness/control.ts";
import type { RawSseClient } from "../harness/raw-client.ts";
import type { ServerRecord, ServerProcess } from "../harness/server-process.ts";
import { round, withTimeout } from "../harness/wait.ts";

type Close = "fin" | "rst";

const ERROR_RECORDS = ["uncaught-error", "unhandled-rejection"];

function close(client: RawSseClient, how: Close): number {
  return how === "fin" ? client.closeFin() : client.closeRst();
}

function nonEmptyLines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** Each distinct line with how often it came, so that 50 identical lines read as one finding. */
function tally(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

/**
 * Deno.serve's "legacy abort" (denoland/deno#27005, #28371): request.signal aborts on every finished
 * request, a successful one included, unless the process runs with --unstable-no-legacy-abort
 * (deno.json's "unstable" entry is ignored: denoland/deno#36307); Deno 2.9 also prints a one-time
 * warning about it to stderr (denoland/deno#34397). Named when the runtime's own warning is there.
 */
function legacyAbortNote(stderr: string): string {
  return stderr.includes("--unstable-no-legacy-abort") ? " (Deno.serve legacy abort and its warning: denoland/deno#27005, #34397)" : "";
}

/** Waits for the server to drop subscriber `sub` (bounded); the record, or undefined past the bound. */
function dropped(server: ServerProcess, sub: number, timeoutMs: number): Promise<ServerRecord | undefined> {
  return server
    .waitForRecord((r) => r.type === "unsubscribed" && r.sub === sub, timeoutMs, `unsubscribed for subscriber ${sub}`)
    .catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// disconnect.quiet

const QUIET_DISCONNECTS = 50;
/** Bound on the server noticing all the disconnects, after the last one (not judged here: producer-stops is). */
const QUIET_DROP_BOUND_MS = 5000;

type QuietMoment = "idle" | "writing" | "before-first-event";
const QUIET_VARIANTS: { close: Close; moment: QuietMoment }[] = [
  { close: "fin", moment: "idle" },
  { close: "rst", moment: "idle" },
  { close: "fin", moment: "writing" },
  { close: "rst", moment: "writing" },
  { close: "fin", moment: "before-first-event" },
  { close: "rst", moment: "before-first-event" },
];

interface Disconnect {
  n: number;
  variant: string;
  sub: number;
  closedAt: number;
  server: ServerProcess;
}

/**
 * Brings a stream to the moment of the variant and closes it: `writing` on a server that writes every
 * 20 ms, after the first event; `idle` after one event published on demand, the next one far away;
 * `before-first-event` as soon as the headers are in.
 */
async function disconnectOnce(n: number, servers: { idle: ServerProcess; writing: ServerProcess }): Promise<Disconnect> {
  const variant = QUIET_VARIANTS[n % QUIET_VARIANTS.length]!;
  const server = variant.moment === "writing" ? servers.writing : servers.idle;
  const { client, sub } = await openStream(server);
  try {
    if (variant.moment === "before-first-event") {
      await client.waitForHead(3000);
    } else if (variant.moment === "idle") {
      await client.waitForHead(3000);
      await publish(server, { event: "quiet", data: `disconnect ${n}` });
      await client.waitForEvent((e) => e.event === "quiet", 3000, "the published event");
    } else {
      await client.waitForEvent(() => true, 3000, "first produced event");
    }
    return { n, variant: `${variant.close}/${variant.moment}`, sub, closedAt: close(client, variant.close), server };
  } finally {
    client.socket.destroy();
  }
}

/** Where each stderr chunk came, relative to the last disconnect before it: which kind of close makes the noise. */
function locateStderr(server: ServerProcess, disconnects: Disconnect[]): { afterDisconnect: string; ms: number; text: string }[] {
  return server.stderrChunks.slice(0, 10).map((chunk) => {
    const before = disconnects.filter((d) => d.server === server && d.closedAt <= chunk.at).at(-1);
    return {
      afterDisconnect: before ? `#${before.n} ${before.variant}` : "none (before the first)",
      ms: before ? round(chunk.at - before.closedAt) : 0,
      text: chunk.text.slice(0, 300),
    };
  });
}

export const disconnectQuiet: Check = {
  id: "disconnect.quiet",
  kind: "outcome",
  calibration: ["prints-errors-on-disconnect", "throws-on-disconnect", "stops-answering-after-disconnects"],
  timeoutMs: 60_000,
  async run(ctx) {
    const servers = {
      idle: await ctx.start({ env: { SSE_PRODUCER_MS: "0" } }),
      writing: await ctx.start({ env: { SSE_PRODUCER_MS: "20" } }),
    };
    const both = [servers.idle, servers.writing];
    const disconnects: Disconnect[] = [];
    for (let n = 0; n < QUIET_DISCONNECTS; n++) {
      try {
        disconnects.push(await disconnectOnce(n, servers));
      } catch (error) {
        // A server that died of a disconnect is the loudest failure of all, not a harness error.
        const dead = both.find((s) => s.hasExited);
        if (!dead) throw error;
        const exit = await dead.exited;
        const last = disconnects.at(-1);
        return fail(`the server exited (code ${exit.code}, signal ${exit.signal}) after disconnect ${last ? `#${last.n} ${last.variant}` : "none"}: ${nonEmptyLines(dead.stderr)[0] ?? "stderr empty"}`);
      }
    }

    // The server must have handled every disconnect before its silence means anything.
    const deadline = performance.now() + QUIET_DROP_BOUND_MS;
    const drops = await Promise.all(disconnects.map((d) => dropped(d.server, d.sub, Math.max(1, deadline - performance.now()))));
    const undetected = disconnects.filter((_, i) => !drops[i]).map((d) => `#${d.n} ${d.variant}`);

    const healthAfter: { server: string; ok: boolean; ms?: number; error?: string }[] = [];
    for (const [name, server] of Object.entries(servers)) {
      try {
        const answer = await health(server);
        healthAfter.push({ server: name, ok: answer.ok, ms: round(answer.ms) });
      } catch (error) {
        healthAfter.push({ server: name, ok: false, error: String(error) });
      }
    }

    const stderrLines = both.flatMap((s) => nonEmptyLines(s.stderr));
    const errorRecords = both.flatMap((s) => s.records.filter((r) => ERROR_RECORDS.includes(r.type)));
    // A library's log line on stdout (e.g. @hono/node-server's console.info) is not judged: CHECKS.md
    // names stderr. It is reported beside the verdict, as a finding in its own right.
    const stdoutNoise = tally(both.flatMap((s) => s.stdoutNoise.map((n) => n.line)));
    const evidence = {
      disconnects: tally(disconnects.map((d) => d.variant)),
      undetectedWithinBound: undetected,
      healthAfter,
      stderrLines: tally(stderrLines),
      stderrTiming: both.flatMap((s) => locateStderr(s, disconnects)),
      errorRecords: errorRecords.map(({ type, error }) => ({ type, error })),
      stdoutNoise,
    };
    const figure = { value: stderrLines.length + errorRecords.length, unit: "count" as const, label: "stderr lines + error records" };

    const problems: string[] = [];
    if (stderrLines.length) problems.push(`${stderrLines.length} stderr line(s), first: ${JSON.stringify(stderrLines[0]!.slice(0, 160))}`);
    if (errorRecords.length) problems.push(`${errorRecords.length} error record(s), first: ${errorRecords[0]!.type} ${JSON.stringify(String(errorRecords[0]!.error).slice(0, 160))}`);
    const unhealthy = healthAfter.filter((h) => !h.ok);
    if (unhealthy.length) problems.push(`/health did not answer ok on ${unhealthy.map((h) => `${h.server} (${h.error ?? "ok: false"})`).join(", ")}`);
    const noiseCount = Object.values(stdoutNoise).reduce((a, b) => a + b, 0);
    const notes = [
      noiseCount ? `stdout noise (not judged): ${noiseCount} line(s), ${Object.keys(stdoutNoise).map((l) => JSON.stringify(l.slice(0, 80))).join(", ")}` : "",
      undetected.length ? `${undetected.length} disconnect(s) not dropped within ${QUIET_DROP_BOUND_MS} ms` : "",
    ].filter(Boolean);
    const tail = notes.length ? `; ${notes.join("; ")}` : "";
    const note = legacyAbortNote(both.map((s) => s.stderr).join(""));
    if (problems.length) return fail(`${QUIET_DISCONNECTS} mixed disconnects: ${problems.join("; ")}${note}${tail}`, figure, evidence);
    return pass(`${QUIET_DISCONNECTS} mixed disconnects: stderr empty, no error record, /health ok${tail}`, figure, evidence);
  },
};

// ---------------------------------------------------------------------------------------------
// disconnect.no-leak

const LEAK_CYCLES = 500;
const WARMUP_CYCLES = 20;
/** CHECKS.md: within 5 MB; MB taken as 2^20 bytes (the looser reading). */
const MB = 1024 * 1024;
const LEAK_BOUND_MB = 5;
const CYCLE_BOUND_MS = 3000;

/** Heap after a full collection; two in a row, as one V8 GC can leave what finalizers only then released. */
async function heapAfterGc(server: ServerProcess): Promise<{ collected: boolean; heapUsed: number; rss: number }> {
  await collectGarbage(server);
  const { collected, memory } = await collectGarbage(server);
  return { collected, heapUsed: memory.heapUsed, rss: memory.rss };
}

/**
 * One connect/disconnect cycle, paced by the server: the stream is up (its `retry:` arrived) before we
 * close, and the next cycle starts only once the server reported the subscriber dropped.
 */
async function cycle(server: ServerProcess, n: number): Promise<{ ok: true } | { ok: false; why: string }> {
  let opened: OpenedStream;
  try {
    opened = await openStream(server);
  } catch (error) {
    return { ok: false, why: `cycle ${n}: could not open a stream: ${(error as Error).message}` };
  }
  const { client, sub } = opened;
  try {
    await client.waitUntil(() => client.retries.length > 0 || client.end !== undefined, CYCLE_BOUND_MS, "the stream's retry field");
    const gone = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === sub, CYCLE_BOUND_MS, "unsubscribed");
    gone.catch(() => {});
    close(client, n % 2 === 0 ? "fin" : "rst");
    try {
      await gone;
      return { ok: true };
    } catch {
      return { ok: false, why: `cycle ${n}: subscriber ${sub} not dropped within ${CYCLE_BOUND_MS} ms of the close` };
    }
  } finally {
    client.socket.destroy();
  }
}

async function cycles(server: ServerProcess, from: number, count: number): Promise<string | undefined> {
  for (let n = from; n < from + count; n++) {
    const result = await cycle(server, n);
    if (!result.ok) return result.why;
  }
  return undefined;
}

export const disconnectNoLeak: Check = {
  id: "disconnect.no-leak",
  kind: "outcome",
  calibration: ["leaks-subscribers", "leaks-memory-per-connection"],
  timeoutMs: 90_000,
  // 500 connections back to back load the machine enough to disturb the timing checks.
  exclusive: true,
  async run(ctx) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
    const warmupProblem = await cycles(server, 0, WARMUP_CYCLES);
    if (warmupProblem) return fail(`warm-up: ${warmupProblem}`);
    const baseline = await heapAfterGc(server);
    if (!baseline.collected) return skip(`${ctx.target.id} exposes no full GC (POST /control/gc: collected false): heap after GC cannot be measured`);

    const startedAt = performance.now();
    const problem = await cycles(server, WARMUP_CYCLES, LEAK_CYCLES);
    const cyclesMs = round(performance.now() - startedAt, 0);
    const { subscribers } = await stats(server);
    const after = await heapAfterGc(server);
    const deltaMb = round((after.heapUsed - baseline.heapUsed) / MB, 2);
    const figure = { value: deltaMb, unit: "MB" as const, label: "heap delta after GC" };
    const evidence = {
      cycles: LEAK_CYCLES,
      warmupCycles: WARMUP_CYCLES,
      cyclesMs,
      subscribersAfter: subscribers,
      heapUsedBefore: baseline.heapUsed,
      heapUsedAfter: after.heapUsed,
      rssBefore: baseline.rss,
      rssAfter: after.rss,
    };
    if (problem) return fail(problem, figure, evidence);
    const problems = [
      subscribers !== 0 ? `${subscribers} subscriber(s) still held after every client closed` : "",
      deltaMb > LEAK_BOUND_MB ? `heap after GC grew ${deltaMb} MB (bound ${LEAK_BOUND_MB} MB)` : "",
    ].filter(Boolean);
    const summary = `${LEAK_CYCLES} cycles in ${cyclesMs} ms`;
    if (problems.length) return fail(`${summary}: ${problems.join("; ")}`, figure, evidence);
    return pass(`${summary}: subscribers back to 0, heap after GC ${deltaMb >= 0 ? "+" : ""}${deltaMb} MB`, figure, evidence);
  },
};

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
  try {
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
  } finally {
    client.socket.destroy();
    for (const f of followUps) f.client.socket.destroy();
  }
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
  const figure = {
    value: observations.reduce((sum, o) => sum + o.lateRecords.length, 0),
    unit: "count" as const,
    label: "aborts/cancels after a normal end",
  };
  const evidence = { observations };
  const legacy = legacyAbortNote(observations.map((o) => o.stderr).join(""));
  const bound = "observed up to a follow-up request's subscribed record (keep-alive: also after closing the idle connection)";
  if (problems.length) return fail(`${problems.join("; ")}${legacy}; ${bound}`, figure, evidence);
  return pass(`normal end (Connection: close, and keep-alive): no abort, no cancel(), stderr empty; ${bound}`, figure, evidence);
}

export const completionSignalQuiet: Check = {
  id: "completion.signal-quiet",
  kind: "fact",
  calibration: ["aborts-signal-on-completion"],
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

export const QUIET_AND_LEAK_CHECKS: Check[] = [disconnectQuiet, disconnectNoLeak, completionSignalQuiet];
