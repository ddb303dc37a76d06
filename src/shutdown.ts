/**
 * Ctrl-C and SIGTERM, the same on every target. The runtime file supplies its server's graceful stop
 * and its forcing API; this decides the order and the bounds.
 *
 * `dispatcher` mode (the product): stop accepting, close the dispatcher (every client gets a final
 * `shutdown` event and a clean end of stream), wait for the runtime's graceful stop at most `graceMs`,
 * force it after that, exit 0. A second signal exits at once (130).
 *
 * `graceful-only` mode (the suite's `stop.runtime-graceful` fact): call only the runtime's graceful
 * stop with the streams left open, report when it is done, and exit 0 then; a hang is left to be seen.
 *
 * `graceful-then-force` mode (the suite's `stop.deadline-force` fact): the same graceful stop, then the
 * runtime's forcing API `graceMs` later, as a deadline would; reports `force-called`, then exits once
 * the graceful stop says it is done.
 */
import type { ShutdownMode } from "./config.ts";
import type { EventDispatcher } from "./dispatcher.ts";
import type { Platform, Signal } from "./platform.ts";
import type { Observer } from "./observations.ts";

export interface ServerHandle {
  /** What the runtime calls a graceful stop; resolves when the runtime says it is done. */
  stopGracefully(): Promise<void>;
  /** The runtime's API that drops the remaining connections now. */
  forceClose(): void;
  /** Named in records, e.g. "server.stop()". */
  gracefulApi: string;
  forceApi: string;
}

export interface ShutdownOptions {
  platform: Platform;
  dispatcher: EventDispatcher;
  observe: Observer;
  mode: ShutdownMode;
  graceMs: number;
}

/**
 * Installs the SIGINT and SIGTERM handlers at once, before the server listens, so that a signal right
 * after the readiness line always finds them. The server's handle is given later with `setHandle`;
 * a signal that comes before it closes the dispatcher and exits.
 */
function untilNoSubscribers(dispatcher: EventDispatcher, boundMs: number): Promise<void> {
  if (dispatcher.subscriberCount === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, boundMs);
    const stop = dispatcher.onSubscriberCount((count) => count === 0 && done());
  });
}

export function installShutdown(options: ShutdownOptions): { setHandle(handle: ServerHandle): void } {
  const { platform, dispatcher, observe, mode, graceMs } = options;
  let handle: ServerHandle | undefined;
  let shuttingDown = false;

  const exit = (code: number, startedAt: number, reason: string): never => {
    observe("exit", { code, reason, ms: Math.round(performance.now() - startedAt) });
    return platform.exit(code);
  };

  const onSignal = async (signal: Signal) => {
    const startedAt = performance.now();
    if (shuttingDown) return exit(130, startedAt, `second ${signal}`);
    shuttingDown = true;
    observe("shutdown-started", {
      signal,
      mode,
      subscribers: dispatcher.subscriberCount,
      ...(handle ? { gracefulApi: handle.gracefulApi, forceApi: handle.forceApi } : {}),
    });
    if (!handle) {
      dispatcher.close();
      return exit(0, startedAt, `${signal} before the server was up`);
    }
    const server = handle;

    // Promise.resolve(): some runtime versions return nothing from their stop (Bun 1.1.26's
    // server.stop() returns undefined; a Promise since oven-sh/bun#14120).
    const stopped = Promise.resolve()
      .then(() => server.stopGracefully())
      .then(
        () => "stopped" as const,
        (error: unknown) => {
          observe("graceful-stop-failed", { api: server.gracefulApi, error: String(error) });
          return "failed" as const;
        },
      );

    if (mode === "graceful-then-force") {
      const timer = setTimeout(() => {
        observe("force-called", { api: server.forceApi, afterMs: graceMs });
        server.forceClose();
      }, graceMs);
      await stopped;
      clearTimeout(timer);
      observe("graceful-stop-finished", { api: server.gracefulApi, ms: Math.round(performance.now() - startedAt) });
      // The stop can finish as the force closes the sockets, before the runtime has told the streams
      // (cancel(), the signal): wait for them to go, bounded, so that what the runtime does is seen.
      await untilNoSubscribers(dispatcher, graceMs);
      return exit(0, startedAt, "graceful stop finished");
    }
    if (mode === "graceful-only") {
      await stopped;
      observe("graceful-stop-finished", { api: server.gracefulApi, ms: Math.round(performance.now() - startedAt) });
      return exit(0, startedAt, "graceful stop finished");
    }

    dispatcher.close();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      stopped,
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), graceMs))),
    ]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      observe("graceful-stop-timeout", { api: server.gracefulApi, graceMs, forcedWith: server.forceApi });
      server.forceClose();
    } else {
      observe("graceful-stop-finished", { api: server.gracefulApi, ms: Math.round(performance.now() - startedAt) });
    }
    return exit(0, startedAt, signal);
  };

  platform.onSignal("SIGINT", () => void onSignal("SIGINT"));
  platform.onSignal("SIGTERM", () => void onSignal("SIGTERM"));
  return {
    setHandle(value) {
      handle = value;
    },
  };
}
