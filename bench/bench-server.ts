/**
 * A server under benchmark, target or raw ceiling: started through the suite's ServerProcess (ready
 * line, reports, kill and reap) with the command placed on its own cores and with the open-files
 * limit raised, and measured from outside where possible: RSS and CPU time from /proc.
 */
import { readFileSync } from "node:fs";
import { requestJson } from "../suite/harness/control.ts";
import { ServerProcess, startServer, type ServerRecord } from "../suite/harness/server-process.ts";
import type { Target } from "../suite/targets/targets.ts";
import { placedCommand, type Placement } from "./placement.ts";

const REQUEST_TIMEOUT_MS = 10_000;
/** /proc/<pid>/stat counts CPU time in clock ticks; 100 per second on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The environment for the bench: no demo producer, no heartbeat, control endpoints on. */
export const BENCH_ENV = { SSE_PRODUCER_MS: "0", SSE_HEARTBEAT_MS: "0", SSE_CONTROL: "1" };

export class BenchServer {
  readonly process: ServerProcess;

  private constructor(process: ServerProcess) {
    this.process = process;
  }

  static async start(target: Target, placement: Placement): Promise<BenchServer> {
    const placed: Target = { ...target, command: placedCommand(target.command, placement.serverCpus) };
    return new BenchServer(await startServer(placed, { env: BENCH_ENV, readyTimeoutMs: 30_000 }));
  }

  get port(): number {
    return this.process.port;
  }

  /** Resident set size from /proc, bytes. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.process.pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (!match) throw new Error("no VmRSS in /proc status");
    return Number(match[1]) * 1024;
  }

  /** CPU time used so far (user + system, every thread), ms. */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5); here, after pid and comm, at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(`http://127.0.0.1:${this.port}`, method, path, body, REQUEST_TIMEOUT_MS);
  }

  /** Two full collections (the second catches what the first only unlinked), then the RSS. */
  async rssAfterGc(): Promise<number> {
    await this.request("POST", "/control/gc", {});
    await this.request("POST", "/control/gc", {});
    return this.rssBytes();
  }

  /** Subscribers as the server last reported them (each subscribe and unsubscribe carries the count). */
  subscribers(): number {
    for (let i = this.process.records.length - 1; i >= 0; i--) {
      const count = this.process.records[i]!.subscribers;
      if (typeof count === "number") return count;
    }
    return 0;
  }

  /** The most subscribers the server ever reported. */
  maxSubscribers(): number {
    let max = 0;
    for (const observe of this.process.records) if (typeof observe.subscribers === "number" && observe.subscribers > max) max = observe.subscribers;
    return max;
  }

  /** Waits (bounded) until the server reports exactly `count` subscribers. */
  async waitForSubscribers(count: number, timeoutMs: number): Promise<void> {
    if (this.subscribers() === count) return;
    await this.process.nextRecord(
      (r: ServerRecord) => (r.type === "subscribed" || r.type === "unsubscribed") && r.subscribers === count,
      timeoutMs,
      `${count} subscribers (now ${this.subscribers()})`,
    );
  }

  /**
   * The server's clock (the `t` of its reports) on the coordinator's: the smallest gap between a
   * record's `t` and its arrival, i.e. the offset plus the least pipe delay seen (tens of µs).
   */
  clockOffsetMs(): number {
    let offset = Infinity;
    for (const observe of this.process.records) if (typeof observe.t === "number") offset = Math.min(offset, observe.at - observe.t);
    return offset;
  }

  stderrTail(lines = 10): string {
    return this.process.stderr.trim().split("\n").slice(-lines).join("\n");
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
