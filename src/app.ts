/**
 * The Hono app, the same on every target: demo page, SSE endpoint, health, stats, and (for the suite)
 * control endpoints.
 */
import { Hono, type Context } from "hono";
import { compress } from "hono/compress";
import { DispatcherClosedError, type EventDispatcher } from "./dispatcher.ts";
import { eventStreamHeaders, headResponse, openEventStream, type EventsRouteOptions } from "./events-route.ts";
import type { Platform } from "./platform.ts";
import { demoPage } from "./demo-page.ts";
import { SseEncodingError } from "./sse.ts";
import type { Observer } from "./observations.ts";
import { probeResponse } from "./probes.ts";

export interface AppOptions {
  dispatcher: EventDispatcher;
  platform: Platform;
  /** Enables `/control/*`. */
  control: boolean;
  /** What serves the app, for `/health` and `/stats` (e.g. "Bun.serve"). */
  server: string;
  /**
   * Called for each stream when mitigations are on; a runtime file uses it to lift a per-request idle
   * timeout (Bun closes a connection idle for 10 s by default: `server.timeout(request, 0)`).
   */
  onStream?: (c: Context) => void;
  /** See EventsRouteOptions.corsOrigins. */
  corsOrigins?: readonly string[];
  /** See EventsRouteOptions.requestSignal. */
  requestSignal?: EventsRouteOptions["requestSignal"];
  /** Hono's `compress()` app-wide (SSE_COMPRESS=1), as many apps mount it. */
  compress?: boolean;
  /** The observation channel, for the probes (src/probes.ts). */
  observe?: Observer;
}

const MAX_GENERATED_BYTES = 64 * 1024 * 1024;

export function createApp(options: AppOptions): Hono {
  const { dispatcher, platform } = options;
  const app = new Hono();
  const startedAt = performance.now();
  // It leaves text/event-stream and `no-transform` responses alone (hono src/utils/compress.ts).
  if (options.compress) app.use(compress());

  app.get("/", (c) => c.html(demoPage));

  // The route's logic is events-route.ts, shared with the Elysia app.
  app.get("/events", (c) => {
    const request = { signal: () => c.req.raw.signal, query: (name: string) => c.req.query(name), header: (name: string) => c.req.header(name) };
    const route = {
      onStream: () => options.onStream?.(c),
      corsOrigins: options.corsOrigins ?? [],
      ...(options.requestSignal === undefined ? {} : { requestSignal: options.requestSignal }),
    };
    // HEAD: the headers a GET would get, and no subscription. Hono answers HEAD by running the GET
    // handler and discarding the body (hono src/hono-base.ts), and the discarded stream is never
    // cancelled on @hono/node-server nor Deno.serve: every HEAD left a subscriber behind
    // (protocol.head, measured on node and deno, hono 4.13.19).
    if (c.req.method === "HEAD") return headResponse(dispatcher, request, route);
    const stream = openEventStream(dispatcher, request, route);
    return stream ? c.body(stream, 200, eventStreamHeaders(request, route)) : c.text("shutting down\n", 503);
  });

  app.get("/health", (c) =>
    c.json({
      ok: !dispatcher.isClosed,
      subscribers: dispatcher.subscriberCount,
      uptimeMs: Math.round(performance.now() - startedAt),
    }),
  );

  app.get("/stats", (c) =>
    c.json({
      ...dispatcher.stats(),
      runtime: platform.runtime,
      runtimeVersion: platform.version,
      server: options.server,
      pid: platform.pid,
      memory: platform.memory(),
    }),
  );

  if (options.control) mountControl(app, options);
  return app;
}

interface PublishRequest {
  event?: string;
  /** Payload as given; or `size` bytes of generated ASCII. */
  data?: string;
  size?: number;
  /** Publishes the same event this many times, at once. */
  count?: number;
}

/**
 * Generated payloads are kept by size: a load of 200 x 100 KB publishes must measure what the
 * dispatcher holds, not the garbage of 200 identical strings.
 */
let lastGenerated = { size: 0, data: "" };
function generated(size: number): string {
  if (lastGenerated.size !== size) lastGenerated = { size, data: "x".repeat(size) };
  return lastGenerated.data;
}

function mountControl(app: Hono, { dispatcher, platform, observe }: AppOptions): void {
  app.get("/probe/:name", (c) => (observe && probeResponse(c.req.path, observe)) || c.notFound());

  app.post("/control/publish", async (c) => {
    let body: PublishRequest;
    try {
      body = await c.req.json<PublishRequest>();
    } catch {
      return c.json({ error: "body must be JSON: {event?, data? | size?, count?}" }, 400);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return c.json({ error: "body must be a JSON object: {event?, data? | size?, count?}" }, 400);
    }
    if (body.event !== undefined && typeof body.event !== "string") return c.json({ error: "event must be a string" }, 400);
    if (body.data !== undefined && typeof body.data !== "string") return c.json({ error: "data must be a string" }, 400);
    const size = body.size ?? 0;
    const count = body.count ?? 1;
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_GENERATED_BYTES) {
      return c.json({ error: `size must be an integer from 0 to ${MAX_GENERATED_BYTES}` }, 400);
    }
    if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
      return c.json({ error: "count must be an integer from 1 to 100000" }, 400);
    }
    const data = body.data ?? generated(size);
    try {
      const id = dispatcher.publishMany(Array.from({ length: count }, () => ({ event: body.event, data })));
      return c.json({ id, subscribers: dispatcher.subscriberCount });
    } catch (error) {
      if (error instanceof SseEncodingError) return c.json({ error: error.message }, 400);
      if (error instanceof DispatcherClosedError) return c.json({ error: error.message }, 503);
      throw error;
    }
  });

  app.post("/control/end-streams", (c) => c.json({ ended: dispatcher.endAll() }));

  app.post("/control/gc", (c) => {
    const collected = platform.gc();
    return c.json({ collected, memory: platform.memory() });
  });
}
