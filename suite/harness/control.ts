/**
 * The suite's side of the server's HTTP endpoints: publish on demand, end streams, GC, stats, health.
 * Every request is bounded.
 */
import type { ServerProcess } from "./server-process.ts";
import type { OpenOptions, RawSseClient } from "./raw-client.ts";
import { withTimeout } from "./wait.ts";

/**
 * A control request answers in milliseconds (a publish, a GC after 10,000 connections: under 0.5 s
 * here); 3 s without an answer is a server that cannot serve it beside its open streams.
 */
const REQUEST_TIMEOUT_MS = 3000;

/** A JSON request to a server under test, bounded by `timeoutMs`; a non-2xx answer throws with its text. */
export async function requestJson<T>(baseUrl: string, method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
  // A server that does not answer in time (its one thread or its pool busy with streams) is a
  // finding, `timeout`, as for every bounded wait: not the harness failing.
  const exchange = async () => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs + 1000),
    });
    return { response, text: await response.text() };
  };
  const { response, text } = await withTimeout(exchange(), timeoutMs, `${method} ${path}`);
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

const request = <T>(server: ServerProcess, method: string, path: string, body?: unknown): Promise<T> =>
  requestJson<T>(server.url, method, path, body);

export interface PublishRequest {
  event?: string;
  data?: string;
  size?: number;
  count?: number;
}

/** Publishes now; returns the event id and when the request was sent (harness clock). */
export async function publish(server: ServerProcess, event: PublishRequest): Promise<{ id: number; sentAt: number }> {
  const sentAt = performance.now();
  const { id } = await request<{ id: number }>(server, "POST", "/control/publish", event);
  return { id, sentAt };
}

export const endStreams = (server: ServerProcess) => request<{ ended: number }>(server, "POST", "/control/end-streams", {});

export const collectGarbage = (server: ServerProcess) =>
  request<{ collected: boolean; memory: { rss: number; heapUsed: number } }>(server, "POST", "/control/gc", {});

export const stats = (server: ServerProcess) => request<Record<string, unknown> & { subscribers: number }>(server, "GET", "/stats");

/** GET /health and the time it took, ms. */
export async function health(server: ServerProcess): Promise<{ ok: boolean; ms: number }> {
  const startedAt = performance.now();
  const body = await request<{ ok: boolean }>(server, "GET", "/health");
  return { ok: body.ok, ms: performance.now() - startedAt };
}

export interface OpenedStream {
  client: RawSseClient;
  /** The subscriber id the server reported for this stream. */
  sub: number;
  subscribedAt: number;
}

/**
 * Opens a raw stream and waits for the server's `subscribed` record. Streams on one server must be
 * opened one after the other for the record to be matched to its client.
 */
export async function openStream(server: ServerProcess, options: OpenOptions & { timeoutMs?: number } = {}): Promise<OpenedStream> {
  const subscribed = server.nextRecord((r) => r.type === "subscribed", options.timeoutMs ?? 5000, "subscribed record");
  subscribed.catch(() => {});
  const client = await server.connect(options);
  const record = await subscribed;
  return { client, sub: Number(record.sub), subscribedAt: record.at };
}
