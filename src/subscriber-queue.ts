/**
 * A subscriber's own queue, in front of its response stream. The stream is pull-driven: bytes wait
 * here until the runtime asks for more, and everything waiting is handed over as one chunk (one
 * write). The queue is bounded in bytes; what to do when bytes do not fit is the dispatcher's
 * overflow policy, not this queue's.
 */

/** The chunks as one array; a single chunk as it is, the very bytes every subscriber was handed. */
export function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export class Subscriber {
  readonly createdAt = performance.now();
  readonly stream: ReadableStream<Uint8Array>;
  /** Still in the fan-out. */
  active = true;
  /** The stream was closed or cancelled: nothing more can be enqueued. */
  streamDone = false;
  overflowReported = false;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** The runtime asked for bytes and none were waiting: the next ones go straight through. */
  private readerWaiting = false;

  readonly id: number;
  readonly heartbeat: boolean;
  private readonly limit: number;
  /** Called once when bytes arrive for a waiting reader: the dispatcher schedules the flush (FlushScheduler). */
  private readonly onReady: (sub: Subscriber) => void;

  constructor(id: number, heartbeat: boolean, limit: number, onCancel: (sub: Subscriber, reason: unknown) => void, onReady: (sub: Subscriber) => void) {
    this.id = id;
    this.heartbeat = heartbeat;
    this.limit = limit;
    this.onReady = onReady;
    // highWaterMark 0: the stream itself buffers nothing; `pull` is called only when the runtime reads.
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.flush(),
        cancel: (reason) => {
          this.streamDone = true;
          this.queue = [];
          this.queuedBytes = 0;
          onCancel(this, reason);
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Queues bytes for this client; false when they do not fit. */
  deliver(bytes: Uint8Array): boolean {
    if (this.streamDone) return true;
    // The bound is on the backlog: one event larger than it still goes out to a client that keeps up.
    if (this.queuedBytes > 0 && this.queuedBytes + bytes.byteLength > this.limit) return false;
    if (this.queue.length === 0 && this.readerWaiting) this.onReady(this);
    this.queue.push(bytes);
    this.queuedBytes += bytes.byteLength;
    return true;
  }

  /** Queues bytes only if the backlog stays within the bound, even with nothing queued (a batch). */
  deliverWithin(bytes: Uint8Array): boolean {
    if (this.queuedBytes + bytes.byteLength > this.limit) return false;
    return this.deliver(bytes);
  }

  /** Queues bytes whatever the bound (the stream's opening and its final event). */
  deliverUnbounded(bytes: Uint8Array): void {
    if (this.streamDone) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.byteLength;
    if (this.readerWaiting) this.flush();
  }

  get queued(): number {
    return this.queuedBytes;
  }

  /** Ends the stream after what is queued, or discarding it. */
  end(discardQueued: boolean): void {
    if (this.streamDone) return;
    if (discardQueued) {
      this.queue = [];
      this.queuedBytes = 0;
    } else if (this.queue.length > 0) {
      this.controller.enqueue(concat(this.queue, this.queuedBytes));
      this.queue = [];
      this.queuedBytes = 0;
    }
    this.streamDone = true;
    this.controller.close();
  }

  /** Hands what is queued to a reader that is still waiting (the dispatcher's end-of-turn flush). */
  flushIfWaiting(): void {
    if (this.readerWaiting && !this.streamDone) this.flush();
  }

  private flush(): void {
    if (this.queue.length === 0) {
      this.readerWaiting = true;
      return;
    }
    const chunk = concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.readerWaiting = false;
    this.controller.enqueue(chunk);
  }
}
