/**
 * A server under test as a child process: started in its own process group with a scrubbed
 * environment on an ephemeral port, ready when it says so, observed through its observation channel
 * (NDJSON on stdout) and its stderr apart, and killed and reaped whatever happens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { createInterface } from "node:readline";
import { signalDispositions } from "./signal-dispositions.ts";
import { type SignalDispositions } from "../model/results.ts";
import type { Target } from "../targets/targets.ts";
import { guard, release } from "./process-guard.ts";
import { RawSseClient, type OpenOptions } from "./raw-client.ts";
import { TimeoutError, withTimeout } from "./wait.ts";

/** An observation record with `at`, its arrival on the harness's clock (performance.now()). */
export type ServerRecord = { type: string; t: number; at: number } & Record<string, unknown>;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/**
 * Variables that change library behaviour under test runners (srvx turns its signal handlers off
 * under TEST/CI; many libraries read NODE_ENV) are removed, so a server runs as a user's would.
 */
export const SCRUBBED_ENV = /^(TEST|VITEST|VITEST_.*|NODE_ENV|CI|NODE_OPTIONS|JEST_WORKER_ID|FORCE_COLOR|NO_COLOR)$/;

export function serverEnvironment(extra: Record<string, string>, own: Record<string, string> = {}): { env: Record<string, string>; removed: string[] } {
  const env: Record<string, string> = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (SCRUBBED_ENV.test(key)) removed.push(key);
    else env[key] = value;
  }
  return { env: { ...env, ...own, PORT: "0", SSE_OBSERVATIONS: "ndjson", SSE_CONTROL: "1", ...extra }, removed };
}

const live = new Set<ServerProcess>();
let exitHookInstalled = false;

/** Kills every server this process started that is still alive. */
export function killAllServers(): void {
  for (const server of live) server.killNow();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a harness that dies: no server outlives it.
  process.on("exit", killAllServers);
}

export interface StartOptions {
  /** Extra environment for the server (SSE_* settings). */
  env?: Record<string, string>;
  /** Bound on the readiness line, ms. */
  readyTimeoutMs?: number;
}

export class ServerProcess {
  readonly target: Target;
  readonly records: ServerRecord[] = [];
  /** Lines on stdout that are not observation records: a finding (e.g. a library's console.info). */
  readonly stdoutNoise: { at: number; line: string }[] = [];
  readonly stderrChunks: { at: number; text: string }[] = [];
  readonly env: Record<string, string>;
  readonly removedEnv: string[];
  port = 0;
  /** The signals the server ignores and catches once ready (/proc/<pid>/status); undefined for a server the suite did not start. */
  dispositions: SignalDispositions | undefined;
  readonly exited: Promise<Exit>;
  /** Resolves once the process exited and its stdout and stderr are drained (the child's 'close'). */
  readonly closed: Promise<void>;
  private readonly child: ChildProcess | undefined;
  private readonly waiters = new Set<{ test: (r: ServerRecord) => boolean; resolve: (r: ServerRecord) => void }>();
  /** Every client opened on this server through connect(): closed when the server is stopped. */
  private readonly clients = new Set<RawSseClient>();
  private exitInfo: Exit | undefined;

  constructor(target: Target, extraEnv: Record<string, string>, port = 0) {
    this.target = target;
    const { env, removed } = serverEnvironment({ ...extraEnv, ...(port ? { PORT: String(port) } : {}) }, target.env);
    this.env = env;
    this.removedEnv = removed;
    if (target.command.length === 0) {
      // A server already running (url:): nothing to spawn, nothing to reap; it never exits for us.
      this.child = undefined;
      this.port = target.port!;
      this.closed = Promise.resolve();
      this.exited = new Promise<Exit>(() => {});
      return;
    }
    // A target that announces nothing listens where the suite told it (PORT), or on its fixed port.
    this.port = port;
    const [program, ...args] = target.command;
    // Node's spawn (libuv) resets every signal disposition to the default in the child before exec,
    // so a harness started with SIGINT ignored (a background job) does not pass that on; the
    // dispositions once ready are recorded all the same (ready()).
    const child = spawn(program!, args, { cwd: target.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // Its own process group (detached): the watchdog kills it should the harness die outright.
    guard(child.pid);
    live.add(this);
    installExitHook();
    this.closed = new Promise((resolve) => child.once("close", () => resolve()));
    this.exited = new Promise<Exit>((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal, at: performance.now() };
        live.delete(this);
        this.releaseGroup();
        resolve(this.exitInfo);
      });
      child.once("error", (error) => {
        this.stderrChunks.push({ at: performance.now(), text: `spawn ${program}: ${error.message}\n` });
        this.exitInfo = { code: null, signal: null, at: performance.now() };
        live.delete(this);
        this.releaseGroup();
        resolve(this.exitInfo);
      });
    });
    createInterface({ input: child.stdout! }).on("line", (line) => this.onStdoutLine(line));
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => this.stderrChunks.push({ at: performance.now(), text }));
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get stderr(): string {
    return this.stderrChunks.map((c) => c.text).join("");
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Records of one type, in arrival order. */
  recordsOf(type: string): ServerRecord[] {
    return this.records.filter((r) => r.type === type);
  }

  /** The first record (already arrived or still to come) that passes `test`, within `timeoutMs`. */
  waitForRecord(test: (r: ServerRecord) => boolean, timeoutMs: number, what = "record"): Promise<ServerRecord> {
    const found = this.records.find(test);
    if (found) return Promise.resolve(found);
    return this.nextRecord(test, timeoutMs, what);
  }

  /** The next record to arrive that passes `test`, ignoring those already received. */
  nextRecord(test: (r: ServerRecord) => boolean, timeoutMs: number, what = "record"): Promise<ServerRecord> {
    let waiter!: { test: (r: ServerRecord) => boolean; resolve: (r: ServerRecord) => void };
    const promise = new Promise<ServerRecord>((resolve) => {
      waiter = { test, resolve };
      this.waiters.add(waiter);
    });
    const failedEarly = this.exited.then((exit) => {
      throw new Error(`server exited (code ${exit.code}, signal ${exit.signal}) while waiting for ${what}`);
    });
    return withTimeout(Promise.race([promise, failedEarly]), timeoutMs, what).finally(() => this.waiters.delete(waiter));
  }

  /**
   * Waits until the server is ready: its `listening` record (the port from it), or, for a target that
   * announces nothing (`ready: "port"`), its port accepting a connection.
   */
  async ready(timeoutMs: number): Promise<this> {
    if (this.target.ready === "record") {
      const listening = await this.waitForRecord((r) => r.type === "listening", timeoutMs, "readiness line");
      this.port = Number(listening.port);
    } else {
      await withTimeout(Promise.race([untilPortAccepts(this.port, () => this.hasExited), this.exited.then((exit) => {
        throw new Error(`server exited (code ${exit.code}, signal ${exit.signal}) before its port ${this.port} accepted a connection`);
      })]), timeoutMs, `port ${this.port} accepting connections`);
    }
    if (this.child?.pid !== undefined) this.dispositions = signalDispositions(this.child.pid);
    return this;
  }

  signal(sig: NodeJS.Signals): number {
    const at = performance.now();
    if (!this.child) throw new Error(`${this.target.id}: the suite did not start this server and cannot signal it`);
    if (!this.hasExited) this.child.kill(sig);
    return at;
  }

  /** Waits for the process to exit, at most `timeoutMs`; rejects with TimeoutError otherwise. */
  waitForExit(timeoutMs: number): Promise<Exit> {
    return withTimeout(this.exited, timeoutMs, "process exit");
  }

  /**
   * Opens a raw SSE client on this server. It is tracked: stopping the server (as every check does
   * on every path) closes it, so a check never needs a try/finally of its own for its clients.
   */
  async connect(options: OpenOptions = {}): Promise<RawSseClient> {
    const client = await RawSseClient.open(this.port, { ...options, path: this.streamPath(options.path) });
    this.clients.add(client);
    return client;
  }

  /** A client the check has closed itself: no longer tracked (10,000 of them would be kept otherwise). */
  forget(client: RawSseClient): void {
    this.clients.delete(client);
  }

  /**
   * The checks name the stream `/events` (with a query where they need one, `?mitigations=0`); a
   * target serves it where its file says (`events`), and the query is carried over.
   */
  streamPath(path = "/events"): string {
    if (!path.startsWith("/events") || this.target.events === "/events") return path;
    const query = path.slice("/events".length).replace(/^\?/, "");
    if (!query) return this.target.events;
    return `${this.target.events}${this.target.events.includes("?") ? "&" : "?"}${query}`;
  }

  /** Closes the clients, kills the whole process group and waits for the exit (bounded: SIGKILL cannot be refused). */
  async stop(): Promise<void> {
    for (const client of this.clients) client.socket.destroy();
    this.clients.clear();
    if (!this.child) return;
    this.killNow();
    await withTimeout(this.exited, 5000, "reaping after SIGKILL").catch(() => {});
  }

  /**
   * The leader exited; the group may still hold its children (a runtime's workers), so it is killed
   * whole before the watchdog forgets it.
   */
  private releaseGroup(): void {
    if (this.child?.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      /* the group is empty */
    }
    release(this.child.pid);
  }

  killNow(): void {
    if (!this.child || this.hasExited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      try {
        this.child.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }

  private onStdoutLine(line: string): void {
    const at = performance.now();
    let record: ServerRecord | undefined;
    if (line.startsWith("{")) {
      try {
        const parsed = JSON.parse(line);
        if (parsed && typeof parsed.type === "string") record = { ...parsed, at };
      } catch {
        /* not a record */
      }
    }
    if (!record) {
      this.stdoutNoise.push({ at, line });
      return;
    }
    this.records.push(record);
    for (const waiter of this.waiters) {
      if (waiter.test(record)) {
        this.waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
  }
}

export class StartupError extends Error {
  override name = "StartupError";
}

/** Starts `target` and waits until it announces its port. The caller must `stop()` it (a check's context does, on every path). */
export async function startServer(target: Target, options: StartOptions = {}): Promise<ServerProcess> {
  // A target that announces nothing gets a free port to listen on (or its fixed one).
  const port = target.ready === "port" && target.command.length > 0 ? (target.port ?? (await freePort())) : 0;
  const server = new ServerProcess(target, options.env ?? {}, port);
  try {
    return await server.ready(options.readyTimeoutMs ?? 15_000);
  } catch (error) {
    await server.stop();
    const detail = server.stderr.trim().split("\n").slice(-5).join("\n");
    // Never a TimeoutError: a server that does not start is the harness's problem (`error`), not a
    // finding of the check, and calibration must not count it as the check flagging a fixture.
    const why = error instanceof TimeoutError ? "did not announce readiness" : `failed to start: ${(error as Error).message}`;
    throw new StartupError(`${target.id} ${why}${detail ? `\n${detail}` : ""}`);
  }
}

/**
 * Resolves once a TCP connect to `port` on 127.0.0.1 succeeds (or `stop()` says to give up). A port
 * has no event to wait on: each refused attempt is retried after a short pause; the caller bounds
 * the whole.
 */
export async function untilPortAccepts(port: number, stop: () => boolean = () => false): Promise<void> {
  while (!(await portAccepts(port)) && !stop()) await new Promise((resolve) => setTimeout(resolve, 25));
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A port free on 127.0.0.1 right now, for a server that cannot take PORT=0 and say which it got. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
