/**
 * The Elysia app of the `elysia-*` targets. `/events` is an Elysia route that hands the dispatcher's
 * stream to Elysia's own SSE support (`sse(stream)`), so that what Elysia does with the stream and with
 * a disconnect is what the suite measures. Every other route (demo page, health, stats, control) is
 * the shared Hono app mounted under Elysia: those are the suite's instruments, not the subject.
 *
 * What Elysia 1.4 does with `sse(stream)` depends on the adapter:
 * - core (Bun, web standard): `createStreamHandler` (elysia src/adapter/utils.ts) re-reads the stream
 *   through its async iterator into a new ReadableStream; on request.signal abort or cancel() it calls
 *   `iterator.return()`, which, while a read is pending, only cancels our stream once that read
 *   settles (elysiajs/elysia#1768).
 * - @elysiajs/node with response headers set: the stream goes to srvx as it is; srvx cancels it on the
 *   response's 'close' (h3js/srvx src/adapters/_node/send.ts). Its own abort listener never cancels
 *   (it tests `!signal.aborted` inside the abort handler).
 */
import { Elysia, sse as elysiaSse, type ElysiaConfig } from "elysia";
import { SSE_HEADERS } from "./app.ts";
import { DispatcherClosedError } from "./dispatcher.ts";
import type { PreparedServer } from "./server.ts";

export interface ElysiaAppOptions {
  adapter?: ElysiaConfig<"">["adapter"];
  /** Called for each stream when mitigations are on (see AppOptions.onStream), with Elysia's server. */
  onStream?: (request: Request, server: unknown) => void;
  /** See AppOptions.requestSignal. */
  requestSignal?: boolean;
}

export function createElysiaApp(prepared: PreparedServer, options: ElysiaAppOptions = {}) {
  const { dispatcher } = prepared;
  return (
    new Elysia({ adapter: options.adapter })
      // Query as in src/app.ts: `heartbeat=0`, `mitigations=0` (no early retry, no heartbeat, no timeout override).
      .get("/events", ({ request, query, headers, set, server }) => {
        const mitigations = query.mitigations !== "0";
        try {
          // Before subscribing: if it throws, no subscription is left behind.
          if (mitigations) options.onStream?.(request, server);
          const listenToSignal = !mitigations || (options.requestSignal ?? true);
          const subscription = dispatcher.subscribe({
            signal: listenToSignal ? request.signal : undefined,
            lastEventId: headers["last-event-id"] ?? null,
            heartbeat: mitigations && query.heartbeat !== "0",
            openWithRetry: mitigations,
          });
          Object.assign(set.headers, SSE_HEADERS);
          // The bytes are already SSE: Elysia passes Uint8Array chunks through unformatted.
          return elysiaSse(subscription.stream);
        } catch (error) {
          if (!(error instanceof DispatcherClosedError)) throw error;
          set.status = 503;
          return "shutting down\n";
        }
      })
      .mount(prepared.app.fetch)
  );
}
