/**
 * The node:http probe, `GET /probe/node-http`: a stream written the way plain node:http SSE code
 * writes it (no Hono, no dispatcher), served beside the app wherever the server is node:http or a
 * runtime's copy of it (docs/contract.md, capabilities `node-http` and `probes`). Code that serves SSE
 * on node:http learns that the client went from one of four events, each an idiom of its own:
 * `req.on('close')` (Express), `req.on('aborted')` (older code), `res.on('close')` (@hono/node-server),
 * `req.socket.on('close')`. The probe listens to all four and reports each as it fires; at the first of
 * them it writes once more and reports what that write did.
 *
 * `?writing=1`: an event every 50 ms until the first of the four; otherwise the first event only.
 * The listeners are added with `.on()`, as such code adds them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Observer } from "./observations.ts";
import { PROBE_HEADERS } from "./probes.ts";

export const NODE_HTTP_PROBE_PATH = "/probe/node-http";

/** The four events, by the names their records carry. */
export const NODE_HTTP_EVENTS = ["req-close", "req-aborted", "res-close", "socket-close"] as const;
export type NodeHttpEvent = (typeof NODE_HTTP_EVENTS)[number];

const WRITE_EVERY_MS = 50;
/** How long the write after the close may take to call back before the probe reports that it has not. */
export const CALLBACK_BOUND_MS = 1000;

let nextProbe = 1;

const event = (n: number) => `id: ${n}\ndata: node-http probe ${n}\n\n`;

/** Serves the probe on `res`; records: `node-http-opened`, `node-http-event` `{event}`, `node-http-write-after-close`. */
export function serveNodeHttpProbe(req: IncomingMessage, res: ServerResponse, observe: Observer): void {
  const probe = nextProbe++;
  const writing = new URL(req.url ?? "/", "http://probe").searchParams.get("writing") === "1";
  let n = 0;
  let gone = false;
  let writer: ReturnType<typeof setInterval> | undefined;

  const fired = (name: NodeHttpEvent) => () => {
    observe("node-http-event", { probe, event: name });
    if (gone) return;
    gone = true;
    clearInterval(writer);
    writeAfterClose(probe, res, event(++n), observe);
  };
  req.on("close", fired("req-close"));
  req.on("aborted", fired("req-aborted"));
  res.on("close", fired("res-close"));
  req.socket.on("close", fired("socket-close"));

  res.writeHead(200, PROBE_HEADERS);
  res.write(event(++n));
  observe("node-http-opened", { probe, writing });
  if (writing) writer = setInterval(() => res.write(event(++n)), WRITE_EVERY_MS);
}

/**
 * One write after the client went, reported CALLBACK_BOUND_MS after it: what it returned, whether and how
 * its callback came by then (and after how long), whether it threw, and `res.destroyed` at the write
 * and at the report (the same moment for every write, whenever its callback came).
 */
function writeAfterClose(probe: number, res: ServerResponse, chunk: string, observe: Observer): void {
  const startedAt = performance.now();
  const destroyedAtWrite = res.destroyed;
  let outcome: Record<string, unknown> = { callback: "none", ms: null };
  let returned: boolean | null = null;
  setTimeout(() => observe("node-http-write-after-close", { probe, returned, ...outcome, destroyedAtWrite, destroyed: res.destroyed }), CALLBACK_BOUND_MS);
  try {
    returned = res.write(chunk, (error) => {
      const ms = Math.round(performance.now() - startedAt);
      outcome = { callback: error ? "error" : "ok", error: error ? ((error as { code?: string }).code ?? error.message) : null, ms };
    });
  } catch (error) {
    outcome = { callback: "none", ms: null, threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
