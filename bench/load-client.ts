/**
 * One load-client process: holds many SSE connections (node:net, one raw socket each), times every
 * bench event on arrival into a histogram, and answers the coordinator over IPC (bench/protocol.ts).
 * Several of these run at once when one process is not enough (CPU or open files).
 *
 * Clock: the coordinator measures this process's clock offset (`clock`, `set-offset`), so arrival
 * times are converted to the coordinator's clock, on which the events' sending times are written.
 */
import { connect, type Socket } from "node:net";
import { encodeHistogram, newHistogram, type Histogram } from "./histogram.ts";
import type { ChurnRequest, ChurnResult, CollectRequest, CollectResult, Envelope, OpenRequest, OpenResult, StatusResult } from "./protocol.ts";
import { SseStreamReader } from "./sse-stream-reader.ts";

/** This process's clock minus the coordinator's, ms. */
let offsetMs = 0;

interface Step {
  id: number;
  histogram: Histogram;
  received: number;
  stale: number;
  lastArrival: number | null;
  cpuAtBegin: NodeJS.CpuUsage;
  /** Set by `collect`: connections that reached `expected`, and who waits for all of them. */
  expected: number;
  completeConnections: number;
  onProgress: (() => void) | undefined;
}

let step: Step = newStep(0);
/** Every socket of this process reads into this; the reader copies what it keeps. */
const READ_BUFFER = Buffer.alloc(256 * 1024);
const live = new Set<Connection>();
let lostSinceReport = 0;

function newStep(id: number): Step {
  return {
    id,
    histogram: newHistogram(),
    received: 0,
    stale: 0,
    lastArrival: null,
    cpuAtBegin: process.cpuUsage(),
    expected: Infinity,
    completeConnections: 0,
    onProgress: undefined,
  };
}

/** One SSE connection: ready at its first body byte; counts the events of the current step. */
class Connection {
  readonly socket: Socket;
  readonly startedAt = performance.now();
  readonly ready: Promise<string | null>;
  stepId = 0;
  count = 0;
  closing = false;
  private settle!: (failure: string | null) => void;
  private settled = false;

  constructor(port: number, path: string, timeoutMs: number) {
    this.ready = new Promise((resolve) => (this.settle = resolve));
    const timer = setTimeout(() => this.fail("timeout"), timeoutMs);
    const reader = new SseStreamReader({
      onHead: (status) => {
        if (status !== 200) this.fail(`status ${status}`);
      },
      onFirstBody: () => {
        clearTimeout(timer);
        this.settled = true;
        this.settle(null);
      },
      onEvents: (sentUs, eventStep, at, count) => this.onEvents(sentUs, eventStep, at, count),
      onEnd: (reason) => this.onServerEnd(reason),
    });
    // onread into one shared buffer: no allocation and no stream machinery per read, which is most
    // of a client's cost when it holds thousands of sockets.
    this.socket = connect({
      host: "127.0.0.1",
      port,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number, buffer: Uint8Array) => {
          reader.feed(Buffer.from(buffer.buffer, buffer.byteOffset, bytes), performance.now());
          return true;
        },
      },
    });
    this.socket.setNoDelay(true);
    this.socket.on("connect", () => {
      this.socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\naccept: text/event-stream\r\n\r\n`);
    });
    this.socket.on("error", (error: NodeJS.ErrnoException) => this.fail(error.code ?? error.message));
    this.socket.on("close", () => {
      clearTimeout(timer);
      this.fail("closed");
      this.onServerEnd("closed");
    });
  }

  close(): void {
    this.closing = true;
    live.delete(this);
    // destroy(): the fd is freed at once; the kernel sends FIN, as a closing tab does.
    this.socket.destroy();
  }

  private fail(reason: string): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(reason);
    this.socket.destroy();
  }

  private onEvents(sentUs: number, eventStep: number, at: number, count: number): void {
    if (eventStep !== step.id) {
      step.stale += count;
      return;
    }
    const latencyUs = (at - offsetMs) * 1000 - sentUs;
    step.histogram.recordValueWithCount(latencyUs < 1 ? 1 : Math.round(latencyUs), count);
    step.received += count;
    if (step.lastArrival === null || at > step.lastArrival) step.lastArrival = at;
    if (this.stepId !== eventStep) {
      this.stepId = eventStep;
      this.count = 0;
    }
    const before = this.count;
    this.count += count;
    if (before < step.expected && this.count >= step.expected) {
      step.completeConnections++;
      step.onProgress?.();
    }
  }

  private onServerEnd(_reason: string): void {
    if (this.closing || !live.has(this)) return;
    live.delete(this);
    this.socket.destroy();
    lostSinceReport++;
    step.onProgress?.();
  }

  /** Joins the live set once ready; false if it failed. */
  async established(): Promise<string | null> {
    const failure = await this.ready;
    if (failure === null && !this.socket.destroyed) live.add(this);
    return failure ?? (this.socket.destroyed ? "closed" : null);
  }
}

function countError(errors: Record<string, number>, reason: string): void {
  errors[reason] = (errors[reason] ?? 0) + 1;
}

/** Runs `task` `count` times with at most `concurrency` at once. */
async function pooled(count: number, concurrency: number, task: () => Promise<void>): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function open(request: OpenRequest): Promise<OpenResult> {
  const errors: Record<string, number> = {};
  let opened = 0;
  await pooled(request.count, request.concurrency, async () => {
    const failure = await new Connection(request.port, request.path, request.timeoutMs).established();
    if (failure === null) opened++;
    else countError(errors, failure);
  });
  return { opened, failed: request.count - opened, errors, live: live.size };
}

function close(count: number | undefined): { closed: number; live: number } {
  const chosen = [...live].slice(0, count ?? live.size);
  for (const connection of chosen) connection.close();
  return { closed: chosen.length, live: live.size };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Waits (bounded) until every live connection has the step's expected events, then reports. */
function collect(request: CollectRequest): Promise<CollectResult> {
  if (step.id !== request.step) step = newStep(request.step);
  step.expected = request.expected;
  step.completeConnections = 0;
  for (const connection of live) if (connection.stepId === request.step && connection.count >= request.expected) step.completeConnections++;
  return new Promise((resolve) => {
    const current = step;
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      current.onProgress = undefined;
      let missing = 0;
      for (const connection of live) {
        const got = connection.stepId === request.step ? connection.count : 0;
        if (got < request.expected) missing += request.expected - got;
      }
      const lost = lostSinceReport;
      lostSinceReport = 0;
      resolve({
        complete,
        received: current.received,
        missing,
        lost,
        stale: current.stale,
        histogram: encodeHistogram(current.histogram),
        lastArrivalMs: current.lastArrival === null ? null : current.lastArrival - offsetMs,
        cpuMs: cpuMsSince(current.cpuAtBegin),
      });
    };
    const timer = setTimeout(() => finish(false), request.timeoutMs);
    current.onProgress = () => {
      if (current.completeConnections >= live.size) finish(true);
    };
    current.onProgress();
  });
}

/** Connect, wait for the first body byte, close; in `concurrency` loops, for `durationMs`. */
async function churn(request: ChurnRequest): Promise<ChurnResult> {
  const histogram = newHistogram();
  const errors: Record<string, number> = {};
  let cycles = 0;
  let failed = 0;
  const startedAt = performance.now();
  const deadline = startedAt + request.durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      const connection = new Connection(request.port, request.path, request.timeoutMs);
      const failure = await connection.ready;
      if (failure === null) {
        histogram.recordValue(Math.max(1, Math.round((performance.now() - connection.startedAt) * 1000)));
        cycles++;
      } else {
        failed++;
        countError(errors, failure);
      }
      connection.close();
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, loop));
  return { cycles, failed, errors, histogram: encodeHistogram(histogram), durationMs: performance.now() - startedAt };
}

function status(): StatusResult {
  const lost = lostSinceReport;
  lostSinceReport = 0;
  return { live: live.size, lost, rssBytes: process.memoryUsage.rss() };
}

async function handle(message: Envelope): Promise<unknown> {
  switch (message.op) {
    case "clock":
      return { now: performance.now() };
    case "set-offset":
      offsetMs = message.offsetMs;
      return {};
    case "open":
      return open(message);
    case "close":
      return close(message.count);
    case "begin":
      step = newStep(message.step);
      return {};
    case "collect":
      return collect(message);
    case "churn":
      return churn(message);
    case "status":
      return status();
  }
}

process.on("message", (message: Envelope) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, ok: true, result }),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: String((error as Error)?.stack ?? error) }),
  );
});
// The coordinator gone (channel closed) means nobody will ever ask again: leave.
process.on("disconnect", () => process.exit(0));
process.send!({ id: 0, ok: true, result: { ready: true, pid: process.pid } });
