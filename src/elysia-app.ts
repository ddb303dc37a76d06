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
import { eventStreamHeaders, headResponse, openEventStream } from "./events-route.ts";
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
      // HEAD: the headers a GET would get, and no subscription. Without this route a HEAD got no
      // answer within 2 s on @elysiajs/node (protocol.head, measured with elysia 1.4.30).
      .head("/events", ({ query, headers }) => {
        const eventsRequest = { signal: () => new AbortController().signal, query: (name: string) => query[name], header: (name: string) => headers[name] };
        return headResponse(dispatcher, eventsRequest, { corsOrigins: prepared.config.corsOrigins });
      })
      // The route's logic is events-route.ts, shared with the Hono app.
      .get("/events", ({ request, query, headers, set, server }) => {
        const eventsRequest = { signal: () => request.signal, query: (name: string) => query[name], header: (name: string) => headers[name] };
        const route = {
          onStream: () => options.onStream?.(request, server),
          corsOrigins: prepared.config.corsOrigins,
          ...(options.requestSignal === undefined ? {} : { requestSignal: options.requestSignal }),
        };
        const stream = openEventStream(dispatcher, eventsRequest, route);
        if (!stream) {
          set.status = 503;
          return "shutting down\n";
        }
        Object.assign(set.headers, eventStreamHeaders(eventsRequest, route));
        // The bytes are already SSE: Elysia passes Uint8Array chunks through unformatted.
        return elysiaSse(stream);
      })
      .mount(prepared.app.fetch)
  );
}
