/**
 * The `/events` route's logic, the same for every framework (Hono in app.ts, Elysia in
 * elysia-app.ts): read the query and Last-Event-ID, run the runtime file's per-stream hook, subscribe
 * to the dispatcher, and hand back the stream with its headers, or nothing when shutting down (503).
 *
 * Query: `heartbeat=0` turns the heartbeat off for this stream; `mitigations=0` turns every
 * workaround off (no early `retry:` write, no heartbeat, no timeout override), so that the stream
 * shows what the runtime does by itself.
 */
import { DispatcherClosedError, type EventDispatcher } from "./dispatcher.ts";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: a proxy or compression middleware must not re-encode the stream (a compressor holds
  // events back until its block fills; Hono's compress() honours it).
  "cache-control": "no-cache, no-transform",
  // Proxies such as nginx buffer responses unless told not to. A mitigation: `mitigations=0` leaves
  // it out, so that the proxy's own behaviour shows.
  "x-accel-buffering": "no",
} as const;

/** What the route needs of a request, whatever the framework. */
export interface EventsRequest {
  /**
   * The request's abort signal, read only when the stream listens to it: Deno prints a legacy-abort
   * warning as soon as a handler reads request.signal (denoland/deno#34397, Deno 2.9.0), which
   * runtimes/deno.ts avoids with requestSignal: false.
   */
  signal(): AbortSignal;
  query(name: string): string | undefined;
  header(name: string): string | undefined;
}

export interface EventsRouteOptions {
  /**
   * Called for each stream when mitigations are on, before subscribing (if it throws, no subscription
   * is left behind); a runtime file uses it to lift a per-request idle timeout.
   */
  onStream?: () => void;
  /** Exact origins that may open the stream from another origin (SSE_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  /**
   * Whether streams with mitigations on listen to `request.signal` (default true). A runtime whose
   * signal misbehaves turns it off and relies on the stream's cancel() alone; facts
   * (`mitigations=0`) always listen, to show what the runtime does.
   */
  requestSignal?: boolean;
}

/**
 * The response headers for one `/events` request: the SSE headers, and CORS for an allowed origin
 * (its exact name, credentials allowed; `Vary: Origin`, since the answer depends on it).
 */
export function eventStreamHeaders(request: EventsRequest, options: EventsRouteOptions = {}): Record<string, string> {
  const { "x-accel-buffering": accelBuffering, ...plain } = SSE_HEADERS;
  const headers: Record<string, string> = request.query("mitigations") === "0" ? plain : { ...plain, "x-accel-buffering": accelBuffering };
  const origin = request.header("origin");
  if (!origin || !options.corsOrigins?.includes(origin)) return headers;
  return { ...headers, "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "Origin" };
}

/** The stream for one `/events` request, or undefined when the dispatcher is closed (answer 503). */
export function openEventStream(dispatcher: EventDispatcher, request: EventsRequest, options: EventsRouteOptions = {}): ReadableStream<Uint8Array> | undefined {
  const mitigations = request.query("mitigations") !== "0";
  try {
    if (mitigations) options.onStream?.();
    const listenToSignal = !mitigations || (options.requestSignal ?? true);
    return dispatcher.subscribe({
      signal: listenToSignal ? request.signal() : undefined,
      lastEventId: request.header("last-event-id") ?? null,
      heartbeat: mitigations && request.query("heartbeat") !== "0",
      openWithRetry: mitigations,
    }).stream;
  } catch (error) {
    if (error instanceof DispatcherClosedError) return undefined;
    throw error;
  }
}

/**
 * The answer to `HEAD /events`: the headers a GET would get, no body and no subscription (503 once
 * shutting down). Both apps answer HEAD with it rather than let their framework run the GET handler:
 * see app.ts and elysia-app.ts for what each did instead.
 */
export function headResponse(dispatcher: EventDispatcher, request: EventsRequest, options: EventsRouteOptions = {}): Response {
  return new Response(null, { status: dispatcher.isClosed ? 503 : 200, headers: eventStreamHeaders(request, options) });
}
