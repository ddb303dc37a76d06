/**
 * The coordinator's side of the load clients: several processes (bench/load-client.ts), each pinned
 * with the others off the server's cores and with its own open-files limit, driven over IPC. Every
 * request is bounded; the processes are killed and reaped on every path.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../suite/files/paths.ts";
import { runtimeBinary } from "../suite/targets/targets.ts";
import { withTimeout } from "../suite/harness/wait.ts";
import { mergeHistograms, type Histogram } from "./histogram.ts";
import { placedCommand } from "./placement.ts";
import { CONNECTIONS_PER_CLIENT_PROCESS, type ClientRuntime } from "./settings.ts";
import type { ChurnResult, CollectResult, OpenResult, Reply, Request, StatusResult } from "./protocol.ts";


export function clientCommand(runtime: ClientRuntime): string[] {
  const program = runtime === "bun" ? runtimeBinary("bun") : process.execPath;
  return [program, join(ROOT, "bench", "load-client.ts")];
}

/** Margin on top of an operation's own bound, for the IPC round trip. */
const IPC_MARGIN_MS = 5000;

class ClientProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderr = "";
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly started: Promise<unknown>;

  constructor(runtime: ClientRuntime, cpus: string | null) {
    const [program, ...args] = placedCommand(clientCommand(runtime), cpus);
    this.child = spawn(program!, args, { cwd: ROOT, detached: true, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (text: string) => (this.stderr = (this.stderr + text).slice(-4000)));
    this.started = new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
    this.child.on("message", (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`load client: ${reply.error}`));
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", () => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`load client exited: ${this.stderr.trim().slice(-500)}`));
        this.pending.clear();
        resolve();
      });
    });
  }

  ready(timeoutMs: number): Promise<unknown> {
    return withTimeout(this.started, timeoutMs, "load client start");
  }

  request<T>(message: Request, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.child.send({ ...message, id });
    return withTimeout(answer, timeoutMs, `load client ${message.op}`).finally(() => this.pending.delete(id));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, "SIGKILL");
      } catch {
        this.child.kill("SIGKILL");
      }
    }
    await withTimeout(this.exited, 5000, "reaping a load client").catch(() => {});
  }
}

export interface StepResult {
  complete: boolean;
  received: number;
  missing: number;
  lost: number;
  stale: number;
  histogram: Histogram;
  lastArrivalMs: number | null;
  /** CPU the load clients used during the step, ms. */
  cpuMs: number;
}

function addErrors(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/**
 * `total` connections placed on the processes in order, each holding up to `perProcess`: on one
 * client core one process with every connection costs less per delivery than two with half each
 * (one event loop, fuller reads per wake-up; bench runs of 2026-12-01), so a second process opens
 * only when the first is full.
 */
function fill(total: number, parts: number, perProcess: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(perProcess, total - i * perProcess)));
}

/** Splits `total` into `parts` near-equal integers. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export class ClientPool {
  private readonly processes: ClientProcess[];
  /** Connections each process holds, as last reported. */
  private readonly liveCounts: number[];

  private constructor(processes: ClientProcess[]) {
    this.processes = processes;
    this.liveCounts = processes.map(() => 0);
  }

  static async start(count: number, runtime: ClientRuntime, cpus: string | null): Promise<ClientPool> {
    const pool = new ClientPool(Array.from({ length: count }, () => new ClientProcess(runtime, cpus)));
    try {
      await Promise.all(pool.processes.map((p) => p.ready(15_000)));
      await pool.syncClocks();
      return pool;
    } catch (error) {
      await pool.stop();
      throw error;
    }
  }

  get size(): number {
    return this.processes.length;
  }

  get live(): number {
    return this.liveCounts.reduce((a, b) => a + b, 0);
  }

  /**
   * Each process's clock offset from the coordinator's, NTP style: of several round trips, the one
   * with the smallest delay bounds the error by half of it (tens of µs over IPC).
   */
  private async syncClocks(): Promise<void> {
    for (const process of this.processes) {
      let best = { rtt: Infinity, offset: 0 };
      for (let i = 0; i < 15; i++) {
        const sentAt = performance.now();
        const { now } = await process.request<{ now: number }>({ op: "clock" }, 5000);
        const backAt = performance.now();
        if (backAt - sentAt < best.rtt) best = { rtt: backAt - sentAt, offset: now - (sentAt + backAt) / 2 };
      }
      await process.request({ op: "set-offset", offsetMs: best.offset }, 5000);
    }
  }

  /** Opens `total` more connections, on the first processes first (`fill`). */
  async open(port: number, path: string, total: number, options: { concurrency: number; timeoutMs: number; deadlineMs: number }): Promise<OpenResult> {
    const target = fill(this.live + total, this.size, CONNECTIONS_PER_CLIENT_PROCESS);
    const shares = target.map((want, i) => Math.max(0, want - this.liveCounts[i]!));
    const opening = shares.filter((n) => n > 0).length;
    const results = await Promise.all(
      this.processes.map((p, i) =>
        shares[i] === 0
          ? Promise.resolve({ opened: 0, failed: 0, errors: {}, live: this.liveCounts[i]! })
          : p.request<OpenResult>(
              { op: "open", port, path, count: shares[i]!, concurrency: Math.max(1, Math.floor(options.concurrency / opening)), timeoutMs: options.timeoutMs },
              options.deadlineMs + IPC_MARGIN_MS,
            ),
      ),
    );
    const errors: Record<string, number> = {};
    results.forEach((r, i) => {
      this.liveCounts[i] = r.live;
      addErrors(errors, r.errors);
    });
    return { opened: results.reduce((a, r) => a + r.opened, 0), failed: results.reduce((a, r) => a + r.failed, 0), errors, live: this.live };
  }

  /** Closes `count` connections (all when omitted), from the last processes first, so that `fill` still holds. */
  async close(count?: number): Promise<void> {
    const target = count === undefined ? null : fill(Math.max(0, this.live - count), this.size, CONNECTIONS_PER_CLIENT_PROCESS);
    const shares = target === null ? this.processes.map(() => undefined) : target.map((keep, i) => Math.max(0, this.liveCounts[i]! - keep));
    const results = await Promise.all(this.processes.map((p, i) => p.request<{ live: number }>({ op: "close", count: shares[i] }, 10_000)));
    results.forEach((r, i) => (this.liveCounts[i] = r.live));
  }

  async begin(step: number): Promise<void> {
    await Promise.all(this.processes.map((p) => p.request({ op: "begin", step }, 5000)));
  }

  async collect(step: number, expected: number, timeoutMs: number): Promise<StepResult> {
    const results = await Promise.all(
      this.processes.map((p) => p.request<CollectResult>({ op: "collect", step, expected, timeoutMs }, timeoutMs + IPC_MARGIN_MS)),
    );
    const arrivals = results.map((r) => r.lastArrivalMs).filter((v): v is number => v !== null);
    const sum = (key: "received" | "missing" | "lost" | "stale" | "cpuMs") => results.reduce((a, r) => a + r[key], 0);
    return {
      complete: results.every((r) => r.complete),
      received: sum("received"),
      missing: sum("missing"),
      lost: sum("lost"),
      stale: sum("stale"),
      histogram: mergeHistograms(results.map((r) => r.histogram)),
      lastArrivalMs: arrivals.length ? Math.max(...arrivals) : null,
      cpuMs: sum("cpuMs"),
    };
  }

  async churn(port: number, path: string, concurrency: number, durationMs: number): Promise<{ cycles: number; failed: number; errors: Record<string, number>; histogram: Histogram; durationMs: number }> {
    const timeoutMs = 5000;
    const results = await Promise.all(
      this.processes.map((p, i) =>
        p.request<ChurnResult>(
          { op: "churn", port, path, concurrency: split(concurrency, this.size)[i]!, durationMs, timeoutMs },
          durationMs + timeoutMs + IPC_MARGIN_MS,
        ),
      ),
    );
    const errors: Record<string, number> = {};
    for (const r of results) addErrors(errors, r.errors);
    return {
      cycles: results.reduce((a, r) => a + r.cycles, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      errors,
      histogram: mergeHistograms(results.map((r) => r.histogram)),
      durationMs: Math.max(...results.map((r) => r.durationMs)),
    };
  }

  /** Live connections now, and how many the server ended since the last look. */
  async status(): Promise<{ live: number; lost: number; rssBytes: number }> {
    const results = await Promise.all(this.processes.map((p) => p.request<StatusResult>({ op: "status" }, 5000)));
    results.forEach((r, i) => (this.liveCounts[i] = r.live));
    return { live: this.live, lost: results.reduce((a, r) => a + r.lost, 0), rssBytes: results.reduce((a, r) => a + r.rssBytes, 0) };
  }

  stderr(): string {
    return this.processes.map((p) => p.stderr.trim()).filter(Boolean).join("\n");
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }
}

