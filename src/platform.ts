/**
 * The few things the web platform does not standardise: environment, signals, exit, memory, errors
 * that escape. Detected from the runtime's globals (as hono's getRuntimeKey does), so that the app and
 * the dispatcher stay on web standards and each runtime file stays a few lines.
 */

export type RuntimeName = "node" | "deno" | "bun";
export type Signal = "SIGINT" | "SIGTERM";

export interface Platform {
  runtime: RuntimeName;
  version: string;
  pid: number;
  env(name: string): string | undefined;
  onSignal(signal: Signal, handler: () => void): void;
  exit(code: number): never;
  memory(): { rss: number; heapUsed: number };
  /** Runs a full garbage collection where the runtime exposes one; false where it does not. */
  gc(): boolean;
  /** Reports errors nobody caught instead of letting the runtime's default take the process down. */
  onEscapedError(handler: (kind: "uncaught-error" | "unhandled-rejection", error: unknown) => void): void;
}

interface NodeLikeProcess {
  pid: number;
  version: string;
  env: Record<string, string | undefined>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  exit(code: number): never;
  memoryUsage(): { rss: number; heapUsed: number };
}

interface DenoGlobal {
  pid: number;
  version: { deno: string };
  env: { get(name: string): string | undefined };
  addSignalListener(signal: Signal, handler: () => void): void;
  exit(code: number): never;
  memoryUsage(): { rss: number; heapUsed: number };
}

const g = globalThis as unknown as {
  Deno?: DenoGlobal;
  Bun?: { version: string; gc(force: boolean): void };
  process?: NodeLikeProcess;
  gc?: () => void;
  addEventListener?: (type: string, listener: (event: Event & { error?: unknown; reason?: unknown }) => void) => void;
};

function denoPlatform(deno: DenoGlobal): Platform {
  return {
    runtime: "deno",
    version: deno.version.deno,
    pid: deno.pid,
    env: (name) => deno.env.get(name),
    onSignal: (signal, handler) => deno.addSignalListener(signal, handler),
    exit: (code) => deno.exit(code),
    memory: () => deno.memoryUsage(),
    gc: () => (g.gc ? (g.gc(), true) : false),
    onEscapedError(handler) {
      g.addEventListener?.("error", (event) => {
        event.preventDefault();
        handler("uncaught-error", event.error);
      });
      g.addEventListener?.("unhandledrejection", (event) => {
        event.preventDefault();
        handler("unhandled-rejection", event.reason);
      });
    },
  };
}

function nodeLikePlatform(proc: NodeLikeProcess, runtime: "node" | "bun", version: string): Platform {
  return {
    runtime,
    version,
    pid: proc.pid,
    env: (name) => proc.env[name],
    onSignal: (signal, handler) => proc.on(signal, handler),
    exit: (code) => proc.exit(code),
    memory: () => proc.memoryUsage(),
    gc() {
      if (g.Bun) g.Bun.gc(true);
      else if (g.gc) g.gc();
      else return false;
      return true;
    },
    onEscapedError(handler) {
      proc.on("uncaughtException", (error) => handler("uncaught-error", error));
      proc.on("unhandledRejection", (reason) => handler("unhandled-rejection", reason));
    },
  };
}

export function detectPlatform(): Platform {
  if (g.Deno) return denoPlatform(g.Deno);
  if (!g.process) throw new Error("unsupported runtime: neither Deno nor a node-like process global");
  if (g.Bun) return nodeLikePlatform(g.process, "bun", g.Bun.version);
  return nodeLikePlatform(g.process, "node", g.process.version.replace(/^v/, ""));
}
