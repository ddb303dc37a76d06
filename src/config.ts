/**
 * Server settings from the environment. A bad value is refused with a message naming the variable,
 * never replaced by a default behind the user's back.
 */
import type { OverflowPolicy } from "./dispatcher.ts";
import type { ObservationFormat } from "./observations.ts";

export type ShutdownMode = "dispatcher" | "graceful-only" | "graceful-then-force";

export interface ServerConfig {
  host: string;
  port: number;
  observations: ObservationFormat;
  /** Interval of the demo producer's `progress` events, ms; 0: no producer. */
  producerMs: number;
  heartbeatMs: number;
  retryMs: number;
  replayLimit: number;
  replayLimitBytes: number;
  queueLimitBytes: number;
  overflowPolicy: OverflowPolicy;
  /** `/control/*` endpoints for the suite (publish on demand, end streams, GC). */
  control: boolean;
  /**
   * `dispatcher`: on a signal, close the dispatcher (final events, clean ends), then stop the server,
   * forcing it where its graceful stop is not done within `graceMs`. `graceful-only`: call only the
   * runtime's own graceful stop, streams left open, to observe what the runtime does by itself.
   * `graceful-then-force`: the same, then the runtime's forcing API `graceMs` later (a deadline), to
   * observe what forcing does to a stream still open.
   */
  shutdown: ShutdownMode;
  graceMs: number;
  /**
   * Origins allowed to open the SSE stream from another origin (CORS), exact: `https://app.example`,
   * `http://127.0.0.1:5173`. The answer names the request's origin, never `*`, and allows
   * credentials, so that `new EventSource(url, { withCredentials: true })` works too.
   */
  corsOrigins: string[];
  /** Mounts the framework's compression middleware app-wide (Hono's `compress()`), as many apps do. */
  compress: boolean;
  /**
   * On a node:http server, `requestTimeout`, `headersTimeout` and `keepAliveTimeout` in ms; 0 leaves
   * the runtime's defaults.
   */
  nodeTimeoutsMs: number;
  /** PEM files: with both, the server speaks HTTP/2 over TLS where its runtime file can (else it refuses). */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = (name: string) => string | undefined;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** A comma-separated list of exact origins (scheme, host, optional port; no path). */
function origins(env: Env, name: string): string[] {
  const raw = env(name)?.trim();
  if (!raw) return [];
  return raw.split(",").map((entry: string) => {
    const origin = entry.trim();
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError(`${name}: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path)`);
    return origin;
  });
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env(name);
  if (raw === undefined || raw === "") return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** Both TLS files or neither: one alone is a mistake, not plain HTTP. */
function tls(env: Env): { tlsCert: string | undefined; tlsKey: string | undefined } {
  const tlsCert = env("SSE_TLS_CERT") || undefined;
  const tlsKey = env("SSE_TLS_KEY") || undefined;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new ConfigError("SSE_TLS_CERT and SSE_TLS_KEY go together: set both or neither");
  return { tlsCert, tlsKey };
}

export function readConfig(env: Env): ServerConfig {
  return {
    host: env("HOST") || "127.0.0.1",
    port: integer(env, "PORT", 8080, 0, 65535),
    observations: oneOf(env, "SSE_OBSERVATIONS", "pretty", ["pretty", "ndjson"] as const),
    producerMs: integer(env, "SSE_PRODUCER_MS", 100, 0, 3_600_000),
    heartbeatMs: integer(env, "SSE_HEARTBEAT_MS", 5000, 0, 3_600_000),
    retryMs: integer(env, "SSE_RETRY_MS", 2000, 0, 3_600_000),
    replayLimit: integer(env, "SSE_REPLAY_LIMIT", 1000, 0, 1_000_000),
    replayLimitBytes: integer(env, "SSE_REPLAY_LIMIT_BYTES", 8 * 1024 * 1024, 0, 1024 * 1024 * 1024),
    queueLimitBytes: integer(env, "SSE_QUEUE_LIMIT_BYTES", 1024 * 1024, 1, 1024 * 1024 * 1024),
    overflowPolicy: oneOf(env, "SSE_OVERFLOW_POLICY", "disconnect", ["disconnect", "drop-newest"] as const),
    control: oneOf(env, "SSE_CONTROL", "0", ["0", "1"] as const) === "1",
    shutdown: oneOf(env, "SSE_SHUTDOWN", "dispatcher", ["dispatcher", "graceful-only", "graceful-then-force"] as const),
    graceMs: integer(env, "SSE_GRACE_MS", 1000, 0, 60_000),
    corsOrigins: origins(env, "SSE_CORS_ORIGINS"),
    compress: oneOf(env, "SSE_COMPRESS", "0", ["0", "1"] as const) === "1",
    nodeTimeoutsMs: integer(env, "SSE_NODE_TIMEOUTS_MS", 0, 0, 3_600_000),
    ...tls(env),
  };
}
