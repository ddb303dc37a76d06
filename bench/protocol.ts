/**
 * The messages between the bench (coordinator) and its load-client processes, over the child
 * process IPC channel. Each request carries an id; the answer carries it back.
 */

export interface OpenRequest {
  op: "open";
  port: number;
  path: string;
  count: number;
  /** Connections in the making at once: more would overflow the server's accept backlog. */
  concurrency: number;
  /** Bound on each connection's way to its first body byte, ms. */
  timeoutMs: number;
}

export interface OpenResult {
  opened: number;
  failed: number;
  /** Failure reasons (error codes, `timeout`, `status 503`…) and how often. */
  errors: Record<string, number>;
  live: number;
}

export interface CollectRequest {
  op: "collect";
  step: number;
  /** Events of this step each live connection must receive. */
  expected: number;
  timeoutMs: number;
}

export interface CollectResult {
  /** Every live connection received `expected` events of the step in time. */
  complete: boolean;
  received: number;
  /** Expected minus received, over live connections, when the wait ended. */
  missing: number;
  /** Connections the server ended since the last `status` or `collect`. */
  lost: number;
  /** Events of earlier steps that arrived during this one. */
  stale: number;
  /** Per-event latency, µs, encoded HdrHistogram. */
  histogram: string;
  /** Arrival of the last event of the step, coordinator clock, ms; null if none arrived. */
  lastArrivalMs: number | null;
  /** CPU time this process used since `begin`, ms. */
  cpuMs: number;
}

export interface ChurnRequest {
  op: "churn";
  port: number;
  path: string;
  /** Connect-wait-close loops running at once. */
  concurrency: number;
  durationMs: number;
  timeoutMs: number;
}

export interface ChurnResult {
  cycles: number;
  failed: number;
  errors: Record<string, number>;
  /** Connect to first body byte, µs, encoded HdrHistogram. */
  histogram: string;
  durationMs: number;
}

export interface StatusResult {
  live: number;
  lost: number;
  rssBytes: number;
}

export type Request =
  | { op: "clock" }
  | { op: "set-offset"; offsetMs: number }
  | OpenRequest
  | { op: "close"; count?: number }
  | { op: "begin"; step: number }
  | CollectRequest
  | ChurnRequest
  | { op: "status" };

export type Envelope = Request & { id: number };

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
