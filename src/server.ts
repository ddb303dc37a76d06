/**
 * Everything a runtime file needs, assembled once: configuration, observation channel, dispatcher, demo
 * producer and app. A runtime file mounts `app.fetch` on its server, then calls `listening()` and
 * `shutdownWith()`.
 */
import type { Context, Hono } from "hono";
import { createApp } from "./app.ts";
import { ConfigError, readConfig, type ServerConfig } from "./config.ts";
import { EventDispatcher } from "./dispatcher.ts";
import { detectPlatform, type Platform } from "./platform.ts";
import { startProducer } from "./producer.ts";
import { createObserver, type Observer } from "./observations.ts";
import { installShutdown, type ServerHandle } from "./shutdown.ts";

export interface TargetDescription {
  /** The HTTP server, e.g. "Bun.serve", "@hono/node-server". */
  server: string;
  /** The framework that routes the requests (its target file, targets/<name>.json); "hono" when not said. */
  framework?: string;
  /** See AppOptions.onStream. */
  onStream?: (c: Context) => void;
  /** See AppOptions.requestSignal. */
  requestSignal?: boolean;
  /** What the target offers (its target file): a setting for a capability it lacks is refused. */
  offers?: readonly string[];
}

/** Settings that only some targets can honour, by the capability (targets/*.json `offers`) they need. */
const SETTING_NEEDS: { setting: string; capability: string; set: (config: ServerConfig) => boolean }[] = [
  { setting: "SSE_COMPRESS", capability: "compression", set: (config) => config.compress },
  { setting: "SSE_NODE_TIMEOUTS_MS", capability: "node-http", set: (config) => config.nodeTimeoutsMs > 0 },
  { setting: "SSE_TLS_CERT", capability: "http2", set: (config) => config.tlsCert !== undefined },
];

export interface PreparedServer {
  app: Hono;
  config: ServerConfig;
  dispatcher: EventDispatcher;
  observe: Observer;
  platform: Platform;
  /** Announces readiness: the one line the suite waits for, with the real port. */
  listening(port: number): void;
  shutdownWith(handle: ServerHandle): void;
}

export function prepareServer(target: TargetDescription): PreparedServer {
  const platform = detectPlatform();
  let config: ServerConfig;
  try {
    config = readConfig(platform.env);
    for (const { setting, capability, set } of SETTING_NEEDS) {
      if (set(config) && !target.offers?.includes(capability)) throw new ConfigError(`${setting}: this target does not offer ${capability}`);
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`sse-compat: ${error.message}`);
    return platform.exit(2);
  }
  const observe = createObserver(config.observations);
  platform.onEscapedError((kind, error) => {
    observe(kind, { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    // Reported, not hidden: the runtime's own printing would have gone to stderr too.
    console.error(`sse-compat: ${kind}:`, error);
  });

  const dispatcher = new EventDispatcher({
    heartbeatMs: config.heartbeatMs,
    retryMs: config.retryMs,
    replayLimit: config.replayLimit,
    replayLimitBytes: config.replayLimitBytes,
    queueLimitBytes: config.queueLimitBytes,
    overflowPolicy: config.overflowPolicy,
    observe,
  });
  // Signal handlers first: a signal right after the readiness line must find them installed.
  const shutdown = installShutdown({ platform, dispatcher, observe, mode: config.shutdown, graceMs: config.graceMs });
  startProducer(dispatcher, config.producerMs, platform, observe);
  const app = createApp({
    dispatcher,
    platform,
    control: config.control,
    server: target.server,
    onStream: target.onStream,
    requestSignal: target.requestSignal,
    corsOrigins: config.corsOrigins,
    compress: config.compress,
    observe,
  });

  return {
    app,
    config,
    dispatcher,
    observe,
    platform,
    listening(port) {
      observe("listening", {
        url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
        port,
        host: config.host,
        runtime: platform.runtime,
        runtimeVersion: platform.version,
        server: target.server,
        framework: target.framework ?? "hono",
        pid: platform.pid,
      });
    },
    shutdownWith: shutdown.setHandle,
  };
}
