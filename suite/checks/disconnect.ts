/**
 * disconnect.*: does the server notice that the client went away, stop producing, stay quiet about it
 * and keep nothing? Seed rows "stops thread/calling next()", "calls close()", "does not throw or spew".
 *
 * Every disconnect check is declared here; what they share is beside this file, in disconnect/:
 * timing a close (close-latency.ts), disconnect.quiet's mixed disconnects (mixed-disconnects.ts) and
 * the connect/disconnect cycles of the leak checks (leak-cycles.ts).
 */
import { censored, fail, measured, pass } from "../model/results.ts";
import type { Check } from "../harness/check.ts";
import { health, publish, stats } from "../harness/control.ts";
import { round, TimeoutError } from "../harness/wait.ts";
import { BOUND_MS, judge, MID_STREAM, OBSERVE_MS, observeAll, observeEach, type Variant } from "./disconnect/close-latency.ts";
import { CYCLE_BOUND_MS, cycles, heapAfterGc, leakBaseline, slope, WARMUP_CYCLES } from "./disconnect/leak-cycles.ts";
import { disconnectOnce, locateStderr, QUIET_VARIANTS, type Disconnect } from "./disconnect/mixed-disconnects.ts";
import { dropped, ERROR_RECORDS, nonEmptyLines, tally } from "./lib/server-output.ts";

export const disconnectSignal: Check = {
  id: "disconnect.signal",
  group: "A",
  kind: "fact",
  needs: ["records", "control", "abort-signal"],
  passes: "`request.signal` aborts within 1 s after the client closes its socket mid-stream; for FIN and RST closes, both while the server is idle (next event 5 s away) and while it writes",
  bounds: { latencyMs: BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "worst latency", bound: "latencyMs" },
  calibration: {
    "never-notices-disconnect": /^request\.signal aborted never within/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const { observations } = await observeAll(ctx, MID_STREAM, false, "signal-aborted");
    return judge(observations, "request.signal aborted");
  },
};

export const disconnectCancel: Check = {
  id: "disconnect.cancel",
  group: "A",
  kind: "fact",
  needs: ["records", "control"],
  passes: "the response body's `cancel()` (Hono: `stream.onAbort`) runs within 1 s, same variants",
  seed: "calls close()",
  bounds: { latencyMs: BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "worst latency", bound: "latencyMs" },
  calibration: {
    "never-notices-disconnect": /^the body's cancel\(\) never within/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const { observations } = await observeAll(ctx, MID_STREAM, false, "stream-cancelled");
    return judge(observations, "the body's cancel()");
  },
};

export const disconnectProducerStops: Check = {
  id: "disconnect.producer-stops",
  group: "A",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "the dispatcher drops the subscriber within 1 s and never writes to it again",
  seed: "stops thread/calling next()",
  bounds: { latencyMs: BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "worst latency", bound: "latencyMs" },
  calibration: {
    "never-notices-disconnect": /dropped the subscriber never within/,
    "keeps-writing-after-disconnect": /still holds \d+ subscriber\(s\) after every client closed/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const { observations, servers } = await observeAll(ctx, MID_STREAM, true, "unsubscribed");
    const verdict = judge(observations, "the dispatcher dropped the subscriber");
    if (verdict.status !== "pass") return verdict;
    // "never writes to it again": publish more, then the server must count no subscriber at all.
    for (const server of Object.values(servers)) {
      if (!server) continue;
      await publish(server, { event: "after-close", data: "x", count: 3 });
      const { subscribers } = await stats(server);
      if (subscribers !== 0) {
        return fail(`the server still holds ${subscribers} subscriber(s) after every client closed`, verdict.figure, verdict.evidence);
      }
    }
    return verdict;
  },
};

export const disconnectBeforeFirstEvent: Check = {
  id: "disconnect.before-first-event",
  group: "A",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "a client that closes after the headers but before any event is still detected (the three above)",
  bounds: { latencyMs: BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "worst latency", bound: "latencyMs" },
  calibration: {
    "never-notices-disconnect": /before any event was dropped never within/,
  },
  timeoutMs: 30_000,
  async run(ctx) {
    const variants: Variant[] = [
      { close: "fin", moment: "before-first-event" },
      { close: "rst", moment: "before-first-event" },
    ];
    // One close per variant, the three records timed from it: the facts beside the verdict.
    const { observations } = await observeEach(ctx, variants, true, ["signal-aborted", "stream-cancelled", "unsubscribed"]);
    const verdict = judge(observations.unsubscribed!, "a client gone before any event was dropped");
    return { ...verdict, evidence: { ...verdict.evidence, signal: observations["signal-aborted"], cancel: observations["stream-cancelled"] } };
  },
};

// ---------------------------------------------------------------------------------------------
// disconnect.quiet

const QUIET_DISCONNECTS = 50;
/** Bound on the server noticing all the disconnects, after the last one (not judged here: producer-stops is). */
const QUIET_DROP_BOUND_MS = 5000;

export const disconnectQuiet: Check = {
  id: "disconnect.quiet",
  group: "A",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "50 mixed disconnects: nothing on stderr, no uncaught exception or unhandled rejection, `/health` still answers",
  seed: "does not throw or spew",
  bounds: { disconnectsCount: QUIET_DISCONNECTS, dropMs: QUIET_DROP_BOUND_MS },
  figure: { unit: "count", label: "stderr lines + error records" },
  calibration: {
    "prints-errors-on-disconnect": /\d+ stderr line\(s\)/,
    "throws-on-disconnect": /\d+ error record\(s\), first: uncaught-error/,
    "stops-answering-after-disconnects": /\/health did not answer ok/,
  },
  timeoutMs: 60_000,
  async run(ctx) {
    const servers = {
      idle: await ctx.start({ env: { SSE_PRODUCER_MS: "0" } }),
      writing: await ctx.start({ env: { SSE_PRODUCER_MS: "20" } }),
    };
    const both = [servers.idle, servers.writing];
    const disconnects: Disconnect[] = [];
    // A server that stops serving new streams (a pool full of streams it never saw end) is judged on
    // the disconnects made so far, the shortfall a problem of its own.
    let shortfall: string | undefined;
    for (let n = 0; n < QUIET_DISCONNECTS; n++) {
      try {
        disconnects.push(await disconnectOnce(n, servers));
      } catch (error) {
        // A server that died of a disconnect is the loudest failure of all, not a harness error.
        const dead = both.find((s) => s.hasExited);
        if (!dead && error instanceof TimeoutError) {
          shortfall = `only ${n} of ${QUIET_DISCONNECTS} disconnects could be made (stream ${n + 1}, ${QUIET_VARIANTS[n % QUIET_VARIANTS.length]!.close}/${QUIET_VARIANTS[n % QUIET_VARIANTS.length]!.moment}: ${error.message})`;
          break;
        }
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
    const figure = measured(stderrLines.length + errorRecords.length);

    const problems: string[] = shortfall ? [shortfall] : [];
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
    if (problems.length) return fail(`${disconnects.length} mixed disconnects: ${problems.join("; ")}${tail}`, figure, evidence);
    return pass(`${QUIET_DISCONNECTS} mixed disconnects: stderr empty, no error record, /health ok${tail}`, figure, evidence);
  },
};

// ---------------------------------------------------------------------------------------------
// disconnect.no-leak

const LEAK_CYCLES = 500;
/** CHECKS.md: within 5 MB; MB taken as 2^20 bytes (the looser reading). */
const MB = 1024 * 1024;
const LEAK_BOUND_MB = 5;

export const disconnectNoLeak: Check = {
  id: "disconnect.no-leak",
  group: "A",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "500 connect/disconnect cycles: subscribers back to 0, heap after GC within 5 MB of the start",
  bounds: { cyclesCount: LEAK_CYCLES, heapGrowthMb: LEAK_BOUND_MB, cycleMs: CYCLE_BOUND_MS },
  figure: { unit: "MB", label: "heap delta after GC", bound: "heapGrowthMb" },
  calibration: {
    "leaks-subscribers": /subscriber\(s\) still held after every client closed/,
    "leaks-memory-per-connection": /heap after GC grew [\d.]+ MB \(bound 5 MB\)/,
  },
  timeoutMs: 90_000,
  // 500 connections back to back load the machine enough to disturb the timing checks.
  exclusive: true,
  async run(ctx) {
    const started = await leakBaseline(ctx);
    if ("status" in started) return started;
    const { server, baseline } = started;

    const startedAt = performance.now();
    const problem = await cycles(server, WARMUP_CYCLES, LEAK_CYCLES);
    const cyclesMs = round(performance.now() - startedAt, 0);
    const { subscribers } = await stats(server);
    const after = await heapAfterGc(server);
    const deltaMb = round((after.heapUsed - baseline.heapUsed) / MB, 2);
    const figure = measured(deltaMb);
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
// disconnect.write-settles: group H

const SETTLE_BOUND_MS = 1000;
const WRITER_OBSERVE_MS = 3000;

export const disconnectWriteSettles: Check = {
  id: "disconnect.write-settles",
  group: "H",
  kind: "outcome",
  needs: ["records", "control", "probes"],
  passes:
    "a writer loop (a TransformStream's writer, as Hono's `streamSSE` writes): after the client goes, the pending write and 10 more each settle within 1 s, the handler returns, nothing is left unhandled",
  bounds: { settleMs: SETTLE_BOUND_MS, observeMs: WRITER_OBSERVE_MS },
  figure: { unit: "ms", label: "handler returned after the close" },
  calibration: {
    "leaves-writes-pending": /write \d+ still pending after 1000 ms/,
  },
  timeoutMs: 20_000,
  async run(ctx) {
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
    const client = await server.connect({ path: "/probe/writer" });
    await client.waitForEvent(() => true, 3000, "the writer's first event");
    const closedAt = client.closeFin();
    const done = await server
      .waitForRecord((r) => r.type === "probe-returned" || r.type === "probe-write-pending", WRITER_OBSERVE_MS, "the handler's return")
      .catch(() => undefined);
    const after = server.records.filter((r) => r.at >= closedAt);
    const pending = after.filter((r) => r.type === "probe-write-pending").map((r) => Number(r.n));
    const settled = after.filter((r) => r.type === "probe-write-settled").map((r) => ({ n: Number(r.n), ms: Number(r.ms) }));
    const rejected = after.find((r) => r.type === "probe-write-rejected");
    const returned = after.find((r) => r.type === "probe-returned");
    const escaped = server.records.filter((r) => ERROR_RECORDS.includes(r.type)).map((r) => r.error);
    const evidence = { settledAfterClose: settled, pending, rejectedAt: rejected ? { n: rejected.n, msAfterClose: round(rejected.at - closedAt) } : null, returned: Boolean(returned), escaped, stderr: server.stderr.slice(0, 2000) };
    const returnedMs = returned ? round(returned.at - closedAt) : null;
    const figure = returnedMs === null ? censored(WRITER_OBSERVE_MS) : measured(returnedMs);
    if (pending.length) return fail(`write ${pending[0]} still pending after ${SETTLE_BOUND_MS} ms, after the client went`, figure, evidence);
    const slow = settled.filter((s) => s.ms > SETTLE_BOUND_MS);
    if (slow.length) return fail(`write ${slow[0]!.n} took ${slow[0]!.ms} ms to settle after the client went (bound ${SETTLE_BOUND_MS} ms)`, figure, evidence);
    if (!rejected) return fail(`no write rejected within ${WRITER_OBSERVE_MS} ms of the close: ${settled.length} writes resolved into a stream nobody reads, and the handler does not return`, figure, evidence);
    if (!returned || !done) return fail(`the handler had not returned ${WRITER_OBSERVE_MS} ms after the close`, figure, evidence);
    if (escaped.length) return fail(`${escaped.length} error(s) left unhandled: ${String(escaped[0])}`, figure, evidence);
    return pass(`write ${String(rejected.n)} rejected ${round(rejected.at - closedAt)} ms after the close, ${settled.length} writes settled each within ${SETTLE_BOUND_MS} ms, the handler returned after ${returnedMs} ms`, figure, evidence);
  },
};

// ---------------------------------------------------------------------------------------------
// disconnect.no-leak-long: group H

const LONG_CYCLES = 10_000;
const LONG_CHECKPOINT_EVERY = 2000;
const SLOPE_BOUND_BYTES = 1024;

export const disconnectNoLeakLong: Check = {
  id: "disconnect.no-leak-long",
  group: "H",
  kind: "outcome",
  needs: ["records", "control"],
  passes: "10,000 connect/disconnect cycles: the heap after GC, measured every 2,000, has a fitted slope under 1 KB per cycle",
  bounds: { cyclesCount: LONG_CYCLES, slopeBytes: SLOPE_BOUND_BYTES, cycleMs: CYCLE_BOUND_MS },
  figure: { unit: "bytes", label: "heap growth per cycle", bound: "slopeBytes" },
  calibration: {
    "leaks-slowly": /heap after GC grows [\d.]+ bytes per cycle \(bound 1024\)/,
  },
  timeoutMs: 240_000,
  // 10,000 connections back to back load the machine enough to disturb the timing checks.
  exclusive: true,
  async run(ctx) {
    const started = await leakBaseline(ctx);
    if ("status" in started) return started;
    const { server, baseline } = started;
    const points = [{ x: 0, y: baseline.heapUsed }];
    const startedAt = performance.now();
    let problem: string | undefined;
    for (let done = 0; done < LONG_CYCLES && !problem; done += LONG_CHECKPOINT_EVERY) {
      problem = await cycles(server, WARMUP_CYCLES + done, LONG_CHECKPOINT_EVERY);
      if (!problem) points.push({ x: done + LONG_CHECKPOINT_EVERY, y: (await heapAfterGc(server)).heapUsed });
    }
    const cyclesMs = round(performance.now() - startedAt, 0);
    const { subscribers } = await stats(server);
    const perCycle = points.length > 2 ? round(slope(points), 1) : null;
    const evidence = { cycles: LONG_CYCLES, checkpoints: points.map((p) => ({ cycles: p.x, heapUsed: p.y })), cyclesMs, subscribersAfter: subscribers };
    if (problem) return fail(problem, perCycle === null ? undefined : measured(perCycle), evidence);
    const figure = measured(perCycle!);
    const summary = `${LONG_CYCLES} cycles in ${cyclesMs} ms`;
    if (subscribers !== 0) return fail(`${summary}: ${subscribers} subscriber(s) still held after every client closed`, figure, evidence);
    if (perCycle! > SLOPE_BOUND_BYTES) return fail(`${summary}: heap after GC grows ${perCycle} bytes per cycle (bound ${SLOPE_BOUND_BYTES})`, figure, evidence);
    return pass(`${summary}: heap after GC ${perCycle! >= 0 ? "+" : ""}${perCycle} bytes per cycle (fitted over ${points.length} points)`, figure, evidence);
  },
};
