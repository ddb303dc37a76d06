/**
 * Why a check's status changes at a version: the upstream change (release note, pull request,
 * issue) that explains a boundary the matrix measured. Curated, never inferred: each entry was read
 * in the thread or source itself (suite/curated/sources.md), and it is shown only beside a measured
 * boundary at exactly that version (suite/table/version-ranges.ts), so that a note never stands
 * for a measurement.
 */
import { parseTargetId } from "../model/target-id.ts";

export interface BoundaryNote {
  /** Target ids, or a whole runtime (every target on it). */
  on: { targets: string[] } | { runtime: string };
  /** Check ids; "*": every check whose status changes there (a target that starts working at all). */
  checks: string[];
  /** The first version with the new behaviour: the later side of the measured boundary. */
  at: string;
  /** What upstream changed there, in brief, as the thread says it. */
  change: string;
  upstream: string[];
}

export const BOUNDARY_NOTES: BoundaryNote[] = [
  {
    on: { targets: ["bun"] },
    checks: ["disconnect.cancel", "disconnect.producer-stops"],
    at: "1.1.27",
    change:
      "Bun.serve calls cancel() on a response body stream when the client disconnects from 1.1.27: \"This will be fixed in Bun v1.1.27\" (Jarred-Sumner in oven-sh/bun#6758), \"As of Bun v1.1.27, we call cancel on ReadableStream\" (honojs/hono#3859)",
    upstream: ["oven-sh/bun#6758", "honojs/hono#3859"],
  },
  {
    on: { targets: ["bun"] },
    checks: ["idle.runtime-default"],
    at: "1.1.26",
    change:
      "Bun.serve closes a connection idle for idleTimeout, 10 s by default (bun.sh docs); a report against 1.1.26: \"working well with Bun 1.1.25 and earlier … 1.1.26 drops connection taking more than 10 seconds\" (oven-sh/bun#13712)",
    upstream: ["oven-sh/bun#13712", "https://bun.sh/reference/bun/ServeOptions"],
  },
  {
    // Elysia's app.stop() awaits Bun.serve's stop() (elysiajs/elysia#1455): the same change.
    on: { targets: ["bun", "elysia-bun"] },
    checks: ["stop.runtime-graceful"],
    at: "1.1.30",
    change:
      "\"Make server.stop return a Promise that fulfills when all opened connections are closed\" (oven-sh/bun#14120, merged 2024-09-24; the Bun 1.1.30 release notes list it, as linked from gornostay25/svelte-adapter-bun#69)",
    upstream: ["oven-sh/bun#14120"],
  },
  {
    on: { targets: ["bun"] },
    checks: ["flush.compressed"],
    at: "1.3.3",
    change:
      "\"Bun now implements CompressionStream and DecompressionStream\" (the Bun 1.3.3 release notes); on 1.3.2 CompressionStream is undefined, so Hono's compress() middleware throws \"ReferenceError: CompressionStream is not defined\" and the app answers 500 (a research session's reproduction on both binaries; the long-standing request is oven-sh/bun#1723)",
    upstream: ["https://bun.com/blog/bun-v1.3.3#compressionstream-and-decompressionstream", "oven-sh/bun#1723"],
  },
  {
    on: { targets: ["bun", "elysia-bun"] },
    checks: ["backpressure.slow-client", "backpressure.pull"],
    at: "1.4.0",
    change:
      "\"When a Bun.serve handler returns new Response(stream) with a default ReadableStream, the response writer pulls from the stream as fast as it can produce, ignoring whether the TCP socket can accept the data\" (oven-sh/bun#32553, merged 2026-06-21, between the 1.3.14 and 1.4.0 releases; it fixes oven-sh/bun#32469, reported on 1.3.14 and 1.4.0-canary.1)",
    upstream: ["oven-sh/bun#32553", "oven-sh/bun#32469"],
  },
  {
    on: { targets: ["bun", "elysia-bun"] },
    checks: ["stop.deadline-force"],
    at: "1.4.0",
    change:
      "\"server.stop(true) after an earlier server.stop(false) was a silent no-op\" (oven-sh/bun#35130, merged; on main before the 1.4.0 release, as oven-sh/bun#37074, merged 2026-08-06, builds on it)",
    upstream: ["oven-sh/bun#35130", "oven-sh/bun#37074"],
  },
  {
    on: { targets: ["bun", "elysia-bun"] },
    checks: ["h2.flush", "h2.disconnect", "h2.headers"],
    at: "1.4.1",
    change:
      "\"Bun.serve({ http2: true }) — HTTP/2 (RFC 9113) served on the same port, routes and fetch handler as HTTP/1.1, with transparent fallback\" (oven-sh/bun#40137, merged 2026-08-23, after 1.4.0): on 1.4.0 the TLS handshake agrees no ALPN protocol and the request is served over HTTP/1.1",
    upstream: ["oven-sh/bun#40137"],
  },
  {
    on: { targets: ["bun-node"] },
    checks: ["disconnect.signal", "disconnect.cancel", "disconnect.producer-stops", "disconnect.no-leak"],
    at: "1.4.0",
    change:
      "node:http on Bun emits ServerResponse 'close' after a client abort in 1.4.0 (the event order for an aborted upload in oven-sh/bun#35025, merged); before, 'close' never fired when the client disconnected mid-response (oven-sh/bun#14697, reported on 1.1.31), the event @hono/node-server aborts request.signal from",
    upstream: ["oven-sh/bun#35025", "oven-sh/bun#14697"],
  },
  {
    on: { targets: ["deno"] },
    checks: ["error.mid-stream"],
    at: "2.8.3",
    change:
      "\"fix(ext/http): surface errors thrown while streaming a Deno.serve body\" (denoland/deno#35104, fixing denoland/deno#19867, \"Error in ReadableStream/TransformStream is swallowed in Deno.serve\"): the error reaches the server's onError, which prints it; and \"add Deno-owned HTTP/1.1 serve path\" (denoland/deno#34446), the default for HTTP/1 from 2.8.3, writes the head and the events before it closes, where hyper closed the connection with nothing written",
    upstream: ["denoland/deno#35104", "denoland/deno#19867", "denoland/deno#34446"],
  },
  {
    on: { targets: ["deno-node"] },
    checks: ["*"],
    at: "2.3.0",
    change:
      "\"fix(ext/node): work correctly with wrapper Response objects\" (denoland/deno#29056, in 2.3.0 and never in 2.2.x): @hono/node-server wraps the responses it is given, and Deno.serve \"crashed when it wasn't\" the same object; up to 2.2.15 it prints \"Terminating Deno.serve loop due to unexpected error TypeError: Cannot read properties of undefined (reading 'status')\" and stops accepting connections, so most checks cannot decide",
    upstream: ["denoland/deno#29056"],
  },
  {
    on: { targets: ["deno-node"] },
    checks: ["sigint.open-streams", "sigterm.open-streams"],
    at: "2.4.0",
    change:
      "\"feat: make setImmediate and clearImmediate as globals\" (denoland/deno#29877, 2.4.0): up to 2.3.x our node:http shutdown (runtimes/shared/close-idle-connections.ts) fails with \"ReferenceError: setImmediate is not defined\"",
    upstream: ["denoland/deno#29877"],
  },
  {
    on: { targets: ["deno-node"] },
    checks: ["flush.headers", "backpressure.slow-client", "backpressure.pull", "stop.deadline-force"],
    at: "2.7.13",
    change:
      "\"feat(ext/node): rewrite node:http with llhttp and native TCPWrap\" (denoland/deno#33208, 2.7.13), \"replacing the hyper-based implementation\": in 2.7.12 ServerResponse.flushHeaders() is a no-op, the body is a ReadableStream enqueued without waiting for the client, and closeAllConnections() only aborts the Deno.serve loop",
    upstream: ["denoland/deno#33208"],
  },
  {
    on: { targets: ["deno-node"] },
    checks: ["h2.flush", "h2.disconnect", "h2.headers", "browser.connection-limit[chromium]", "browser.connection-limit[firefox]", "browser.connection-limit[webkit]"],
    at: "2.7.13",
    change:
      "\"fix(ext/node): fix multiple http2 bugs\" (denoland/deno#33315, 2.7.13): \"Http2SecureServer referenced setupConnectionsTracking … without importing them … causing createSecureServer with allowHTTP1: true to crash\", so the HTTP/2 server did not start up to 2.7.12",
    upstream: ["denoland/deno#33315"],
  },
  {
    on: { runtime: "node" },
    // Each of these fails on stderr not being empty: the warning is its first line.
    checks: ["disconnect.quiet", "completion.signal-quiet", "sigint.open-streams", "sigterm.open-streams", "protocol.resume"],
    at: "24.3.0",
    change:
      "\"module: remove experimental warning from type stripping\" (nodejs/node#58643, in the 24.3.0 changelog): from 23.6.0, which strips types without a flag (nodejs/node#56350), to 24.2.0 Node prints \"ExperimentalWarning: Type Stripping is an experimental feature and might change at any time\" on stderr when it loads a .ts file",
    upstream: ["nodejs/node#58643", "nodejs/node#56350"],
  },
  {
    on: { runtime: "node" },
    checks: ["disconnect.quiet", "completion.signal-quiet", "sigint.open-streams", "sigterm.open-streams", "protocol.resume"],
    // The newest 22.x sorts just before 23.0.0, though the two lines were released side by side.
    at: "23.0.0",
    change:
      "the 23.x line prints \"ExperimentalWarning: Type Stripping is an experimental feature and might change at any time\" on stderr when it loads a .ts file (with --experimental-strip-types before 23.6.0, by default from 23.6.0: nodejs/node#56350) until the warning was removed in 24.3.0 (nodejs/node#58643); the 22.x line stopped printing it in 22.18.0 (\"module: remove experimental warning from type stripping\", in the v22.18.0 release notes)",
    upstream: ["nodejs/node#56350", "nodejs/node#58643", "https://nodejs.org/en/blog/release/v22.18.0"],
  },
  {
    on: { runtime: "node" },
    checks: ["disconnect.quiet", "completion.signal-quiet", "sigint.open-streams", "sigterm.open-streams", "protocol.resume"],
    at: "22.18.0",
    change:
      "\"Type stripping is enabled by default\" in 22.18.0, and \"module: remove experimental warning from type stripping\" in the same release (the v22.18.0 release notes; both commits are labelled nodejs/node#56350): before it, 22.6.0 to 22.17 need --experimental-strip-types and print the ExperimentalWarning on stderr",
    upstream: ["https://nodejs.org/en/blog/release/v22.18.0", "nodejs/node#56350"],
  },
];

/** The note that explains a measured boundary of `check` on `target` at `after`, if one is curated. */
export function boundaryNote(check: string, cell: { target: string; runtime: string; after: string }, notes: BoundaryNote[] = BOUNDARY_NOTES): BoundaryNote | undefined {
  const base = parseTargetId(cell.target).name;
  return notes.find(
    (n) => (n.checks.includes(check) || n.checks.includes("*")) && n.at === cell.after && ("targets" in n.on ? n.on.targets.includes(base) : n.on.runtime === cell.runtime),
  );
}
