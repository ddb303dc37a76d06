/**
 * Curated knowledge for the footnotes of the published table: why a check does not pass on a
 * runtime, what our app does about it, and where upstream says so. Keyed by (check id, runtime or
 * target id, status). What each cited thread says is in suite/curated/sources.md; a note is shown only
 * beside a real result that it explains, and the footnote always quotes that result too.
 *
 * A non-pass cell that no note here explains still gets a footnote, generated from the result's own
 * message and marked "no upstream reference yet" (tests/unit/footnotes.test.ts specifies how).
 */
import type { Status } from "../model/results.ts";
import { compareVersions, parseVersion } from "../model/versions.ts";
import { parseTargetId } from "../model/target-id.ts";
import type { CuratedNote } from "./note.ts";
import { SEED_NOTES } from "./seed-notes.ts";

/**
 * A runtime flag with which a check passes where it does not without: measured, never written by
 * hand. It comes from the run of a flagged target (`deno+no-legacy-abort`) published beside the plain
 * one (suite/table/model.ts).
 */
export interface RuntimeFlag {
  /** As MDN's browser-compat-data: "runtime_flag" for a command-line switch. */
  type: "runtime_flag";
  name: string;
  /** The flagged run that passes: target, runtime version, date. */
  evidence: string;
}


const RUNTIME_NOTES: CuratedNote[] = [
  // A. Disconnect
  {
    check: "disconnect.cancel",
    on: { runtime: "bun" },
    status: ["fail", "timeout"],
    versions: { below: "1.1.27" },
    cause: "Bun.serve before 1.1.27 never calls cancel() on a response body stream when the client goes away.",
    workaround: "the dispatcher also ends a subscription on request.signal, whichever comes first.",
    upstream: ["oven-sh/bun#6758", "honojs/hono#3859"],
  },
  {
    check: "disconnect.signal",
    on: { targets: ["bun-node"] },
    status: ["fail", "timeout"],
    cause:
      "Bun's node:http does not emit ServerResponse 'close' on a client disconnect; @hono/node-server aborts request.signal from that event only.",
    upstream: ["oven-sh/bun#14697", "oven-sh/bun#29219", "honojs/node-server src/listener.ts"],
  },
  {
    check: "disconnect.cancel",
    on: { targets: ["bun-node"] },
    status: ["fail", "timeout"],
    cause:
      "Bun's node:http does not emit ServerResponse 'close' on a client disconnect; @hono/node-server cancels the body from that event only.",
    upstream: ["oven-sh/bun#14697", "oven-sh/bun#29219", "honojs/node-server#280"],
  },
  {
    check: "disconnect.cancel",
    on: { targets: ["elysia-bun"] },
    status: ["fail", "timeout"],
    cause: "Elysia does not pass the client's disconnect on to the cancel() of a ReadableStream returned as a Response.",
    workaround: "the dispatcher also ends a subscription on request.signal, whichever comes first.",
    upstream: ["elysiajs/elysia#1768"],
  },
  {
    check: "completion.signal-quiet",
    on: { targets: ["deno"] },
    status: ["fail"],
    cause:
      "Deno.serve's legacy abort (the default up to at least 2.9.6) aborts request.signal also when the response ends normally, and prints a deprecation warning on stderr when the handler read the signal.",
    workaround:
      "runtimes/deno.ts does not listen to request.signal on our streams (requestSignal: false); Deno calls the body's cancel() on a real disconnect, and the dispatcher ends subscriptions on that.",
    upstream: [
      "denoland/deno#27005",
      "denoland/deno#34397",
      "denoland/deno#28371",
      "https://docs.deno.com/runtime/reference/deno_serve_legacy_abort/",
    ],
  },

  // B. Flushing
  {
    check: "flush.headers",
    on: { targets: ["bun", "elysia-bun"] },
    status: ["fail", "timeout"],
    cause:
      "an open, unmerged pull request (oven-sh/bun#33660) describes it: Bun.serve sends the status line and user headers at once but withholds Date, Transfer-Encoding: chunked and the blank line that ends the header block until the first body chunk, so a client sees no complete response (EventSource: no onopen) until the first event. No fix has shipped.",
    workaround: "the dispatcher writes `retry:` the moment a stream opens, which pushes the head out at once.",
    upstream: ["oven-sh/bun#33660"],
  },

  {
    check: "flush.headers",
    on: { targets: ["elysia-node"] },
    status: ["fail", "timeout"],
    cause:
      "srvx's Node adapter (under @elysiajs/node) calls writeHead() but never flushHeaders(), and node:http holds a head written that way until the first body write. @hono/node-server had the same and fixed it by flushing.",
    workaround: "the dispatcher writes `retry:` the moment a stream opens, which pushes the head out at once.",
    upstream: ["honojs/node-server#244", "honojs/node-server#245", "nodejs/help#2503"],
  },

  // D. Shutdown
  {
    check: "stop.runtime-graceful",
    on: { targets: ["node", "bun-node", "deno-node"] },
    status: ["fail", "timeout"],
    cause: "node:http's server.close() stops accepting but waits for every active connection, so an open SSE stream keeps it pending for ever (Bun's and Deno's node:http do the same).",
    workaround:
      "on a signal the dispatcher ends every stream itself (final `shutdown` event), runtimes/shared/hono-node-server.ts closes each connection as its stream ends, and server.closeAllConnections() forces the rest after a grace period.",
    upstream: ["nodejs/node#42812", "https://nodejs.org/api/http.html#servercloseallconnections"],
  },
  {
    check: "stop.runtime-graceful",
    on: { targets: ["elysia-node"] },
    status: ["fail", "timeout"],
    cause: "srvx's close() is node:http's server.close(), which waits for every active connection, so an open SSE stream keeps it pending for ever.",
    workaround: "on a signal the dispatcher ends every stream itself (final `shutdown` event), then srvx's close(true) (closeAllConnections()) forces the rest after a grace period.",
    upstream: ["nodejs/node#42812", "https://nodejs.org/api/http.html#servercloseallconnections"],
  },
  {
    check: "stop.runtime-graceful",
    on: { targets: ["elysia-bun"] },
    status: ["fail", "timeout"],
    cause: "Elysia's app.stop() awaits Bun's server.stop(), which lets in-flight requests finish, and an endless stream never does.",
    workaround: "on a signal the dispatcher ends every stream itself (final `shutdown` event), then app.stop(true) forces the rest after a grace period.",
    upstream: ["elysiajs/elysia#1455", "https://bun.sh/reference/globals/bun/Server/stop", "oven-sh/bun#35130"],
  },
  {
    check: "stop.runtime-graceful",
    on: { targets: ["bun"] },
    status: ["fail", "timeout"],
    cause:
      "upstream's docs say server.stop() does not cancel in-flight requests and resolves once every connection is closed, so an endless stream keeps it pending; before Bun 1.4.0 graceful stop() resolved too early and a stop(true) after it did nothing (oven-sh/bun#35130, merged, first in 1.4.0 by its date).",
    workaround:
      "on a signal the dispatcher ends every stream itself (final `shutdown` event), then calls server.stop(true) after a grace period and exits; the exit, not stop(true), is what closes what is left on Bun before 1.4.0.",
    upstream: ["https://bun.sh/reference/globals/bun/Server/stop", "oven-sh/bun#35130"],
  },
  {
    check: "stop.runtime-graceful",
    on: { targets: ["deno"] },
    status: ["fail", "timeout"],
    cause: "server.shutdown() waits for pending responses, and an endless stream never ends; only aborting the serve signal forces it.",
    workaround: "on a signal the dispatcher ends every stream itself (final `shutdown` event); after the grace period the process exits.",
    upstream: ["https://docs.deno.com/api/deno/~/Deno.HttpServer.shutdown", "denoland/deno#20387"],
  },

  // H. What users hit in the field
  {
    check: "stop.deadline-force",
    on: { targets: ["deno"] },
    status: ["fail", "timeout"],
    cause:
      "server.shutdown() takes the server's resource out of the table (op_http_close), so the serve signal's abort() (Deno.serve's non-graceful shutdown) that follows it finds no resource: op_http_cancel throws BadResource from the abort listener (an uncaught error, printed) and cancels nothing; the open stream waits for the graceful drain, which an endless stream never ends.",
    workaround: "on a signal the dispatcher ends every stream itself (final `shutdown` event) before any forcing is needed; the process exits after the grace period.",
    upstream: [
      "https://github.com/denoland/deno/blob/v2.9.5/ext/http/00_serve.ts#L476-L483",
      "https://github.com/denoland/deno/blob/v2.9.5/ext/http/http_next.rs#L5454-L5499",
      "denoland/deno#20387",
    ],
  },
  {
    check: "error.mid-stream",
    on: { targets: ["elysia-node"] },
    status: ["fail"],
    cause:
      "srvx (0.11.22, under @elysiajs/node) hands a body read error to nodeRes.destroy(error) and prints it nowhere (streamBody's streamCancel), and @elysiajs/node installs no error hook: the producer's error is swallowed, and the client sees the connection close.",
    upstream: ["https://github.com/h3js/srvx/blob/v0.11.22/src/adapters/_node/send.ts#L184-L235", "h3js/srvx#135"],
  },

  // E. Idle connections
  {
    check: "idle.runtime-default",
    on: { targets: ["bun", "elysia-bun"] },
    status: ["fail"],
    cause: "Bun.serve closes a connection with no traffic for idleTimeout (10 s by default), a quiet stream mid-response included.",
    workaround: "runtimes/bun.ts lifts the timeout per stream with server.timeout(request, 0), and the dispatcher's shared heartbeat keeps streams busy.",
    upstream: ["https://bun.sh/reference/bun/Serve", "oven-sh/bun#27479", "oven-sh/bun#13772", "oven-sh/bun#15589"],
  },
];

/** Every curated note: the runtimes' (above) and the seed's servers' (seed-notes.ts). */
export const CURATED_NOTES: CuratedNote[] = [...RUNTIME_NOTES, ...SEED_NOTES];

/**
 * What upstream says a runtime does, per check and version, so that a result that contradicts it is
 * said so in the table (a pass where upstream reports a failure, or the reverse), with our run as the
 * evidence. Only claims read in the upstream threads themselves (suite/curated/sources.md);
 * `versions` is where the claim holds, as reported: an open upper end means no fix is known upstream.
 */
export interface UpstreamClaim {
  checks: string[];
  on: { targets: string[] } | { runtime: string };
  versions?: { from?: string; below?: string };
  /** What upstream says a check of this behaviour gets there. */
  says: "pass" | "fail";
  /** Upstream's statement in brief, with the versions it was reported on. */
  claim: string;
  upstream: string[];
  /** What our own version runs found about it (bisect, cross-check by hand), quoted beside the contradiction. */
  finding?: string;
}

export const UPSTREAM_CLAIMS: UpstreamClaim[] = [
  {
    checks: ["disconnect.signal", "disconnect.cancel"],
    on: { targets: ["bun-node"] },
    // Reported on 1.1.31 and 1.3.11-canary; Bun 1.4.0 emits res 'close' after a client abort (oven-sh/bun#35025).
    versions: { from: "1.1.31", below: "1.4.0" },
    says: "fail",
    claim:
      "Bun's node:http never emits ServerResponse 'close' when the client disconnects mid-response (oven-sh/bun#14697: confirmed bug, reported on 1.1.31; oven-sh/bun#29219: again on 1.3.11-canary, a raw socket that ends after the first chunk; both closed, the fix PRs oven-sh/bun#29220 and #25271 closed unmerged), and @hono/node-server aborts request.signal and cancels the body from that event only; oven-sh/bun#35025 (merged) shows Bun 1.4.0 emitting res 'close' after a client aborts a request body, and a regression test for #14697 is in oven-sh/bun",
    upstream: ["oven-sh/bun#14697", "oven-sh/bun#29219", "oven-sh/bun#29220", "oven-sh/bun#35025"],
    finding:
      "`./run-test.sh bisect bun-node disconnect.signal 1.3.14 1.4.5` (2026-11-21): fail on Bun 1.3.14 (request.signal never aborted within 3000 ms, FIN and RST, idle and writing; re-run alike), pass from 1.4.0 (2.7 ms; re-run alike), 6 runs; by hand, node:http alone on Bun: ServerResponse 'close' never fires on 1.3.14 and fires ~1 ms after the client's FIN or RST on 1.4.0 (req and socket 'close' fire on both)",
  },
  {
    checks: ["disconnect.cancel"],
    on: { targets: ["bun"] },
    versions: { below: "1.1.27" },
    says: "fail",
    claim: "Bun.serve does not call cancel() on a response body stream when the client disconnects; \"This will be fixed in Bun v1.1.27\" (Jarred-Sumner in oven-sh/bun#6758)",
    upstream: ["oven-sh/bun#6758", "honojs/hono#3859"],
  },
  {
    checks: ["disconnect.cancel"],
    on: { targets: ["bun"] },
    versions: { from: "1.1.27" },
    says: "pass",
    claim:
      "from Bun 1.1.27 Bun.serve calls cancel() on a response body stream when the client disconnects (oven-sh/bun#6758; honojs/hono#3859: \"As of Bun v1.1.27, we call cancel on ReadableStream\"); oven-sh/bun#28636 (closed) reports neither cancel() nor request.signal on Bun 1.3.11 for a default stream pushed from start() by a timer, and oven-sh/bun#14390 (1.1.29) is node:http under a dev server, not Bun.serve. Ours holds for the dispatcher's pull-based stream on Bun.serve",
    upstream: ["oven-sh/bun#6758", "honojs/hono#3859", "oven-sh/bun#28636"],
  },
  {
    checks: ["idle.runtime-default"],
    // Not elysia-bun: Elysia's Bun adapter passes its own idleTimeout: 30 (elysia dist/adapter/bun), longer than the check's 15 s.
    on: { targets: ["bun"] },
    versions: { from: "1.1.26" },
    says: "fail",
    claim:
      "Bun.serve closes a connection with no traffic for idleTimeout, 10 s by default, a quiet stream mid-response included (bun.sh docs; oven-sh/bun#27479); the drop began with 1.1.26 (oven-sh/bun#13712: \"working well with Bun 1.1.25 and earlier … 1.1.26 drops connection taking more than 10 seconds\")",
    upstream: ["https://bun.sh/reference/bun/Serve", "oven-sh/bun#27479", "oven-sh/bun#13712"],
  },
];

/** The upstream claim that a result contradicts, if any (error and skip contradict nothing). */
export function contradictedClaim(
  check: string,
  cell: { target: string; runtime: string; runtimeVersion: string; status: Status },
  claims: UpstreamClaim[] = UPSTREAM_CLAIMS,
): UpstreamClaim | undefined {
  const observed = cell.status === "pass" ? "pass" : cell.status === "fail" || cell.status === "timeout" ? "fail" : undefined;
  if (!observed) return undefined;
  const baseTarget = parseTargetId(cell.target).name;
  return claims.find(
    (c) =>
      c.checks.includes(check) &&
      c.says !== observed &&
      inRange(cell.runtimeVersion, c.versions) &&
      ("targets" in c.on ? c.on.targets.includes(baseTarget) : c.on.runtime === cell.runtime),
  );
}

/**
 * Facts and the outcomes that show what our app makes of them: a fact that fails beside a passing
 * outcome means a workaround is at work.
 */
export const OUTCOMES_OF_FACT: Record<string, string[]> = {
  "disconnect.signal": ["disconnect.producer-stops"],
  "disconnect.cancel": ["disconnect.producer-stops"],
  "completion.signal-quiet": ["disconnect.producer-stops"],
  "flush.headers": ["flush.per-event", "browser.eventsource"],
  "stop.runtime-graceful": ["sigint.open-streams", "sigterm.open-streams"],
  "idle.runtime-default": ["idle.heartbeat"],
};

function inRange(version: string, range: CuratedNote["versions"]): boolean {
  if (!range) return true;
  // A version that is not one ("unknown": the binary did not answer) is in no range.
  if (!parseVersion(version)) return false;
  if (range.from && compareVersions(version, range.from) < 0) return false;
  if (range.below && compareVersions(version, range.below) >= 0) return false;
  return true;
}

/** The curated note for a cell: a target-specific one first, then one for the runtime. */
export function findCuratedNote(
  check: string,
  cell: { target: string; runtime: string; runtimeVersion: string; status: Status },
  notes: CuratedNote[] = CURATED_NOTES,
): CuratedNote | undefined {
  const baseTarget = parseTargetId(cell.target).name;
  const matches = notes.filter(
    (n) => n.check === check && n.status.includes(cell.status) && inRange(cell.runtimeVersion, n.versions),
  );
  return (
    matches.find((n) => "targets" in n.on && n.on.targets.includes(baseTarget)) ??
    matches.find((n) => "runtime" in n.on && n.on.runtime === cell.runtime)
  );
}
