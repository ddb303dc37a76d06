/**
 * Test helpers: a bounded reader for ReadableStream<Uint8Array> and an SSE parser wrapper.
 *
 * Every wait is bounded by a real timer captured at load time, so that it still works while a test
 * has fake timers installed (vi.useFakeTimers replaces the globals, not this reference). Nothing here
 * sleeps to synchronise: a read resolves as soon as the stream hands over a chunk.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;

export const DEFAULT_WAIT_MS = 1000;

export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
}

/** Rejects with WaitTimeoutError if `promise` does not settle within `ms` of real time. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = realSetTimeout(() => reject(new WaitTimeoutError(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => realClearTimeout(timer));
}

/**
 * True if `promise` is still pending once every queued microtask and one macrotask turn have run:
 * used only to assert that something has NOT happened, never to wait for something to happen.
 */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise<void>((resolve) => realSetImmediate(resolve));
  return !settled;
}

const decoder = new TextDecoder();

export type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Reads a byte stream one chunk at a time, each read bounded. A read that timed out stays
 * outstanding and is reused by the next call, so no chunk is ever lost between calls.
 */
export class StreamReader {
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private outstanding: Promise<ReadResult> | undefined;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Starts (or returns) the outstanding read without waiting for it. */
  read(): Promise<ReadResult> {
    if (this.outstanding) return this.outstanding;
    const p = this.reader.read();
    this.outstanding = p;
    const clear = () => {
      if (this.outstanding === p) this.outstanding = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  /** The next read result, bounded. */
  async next(ms = DEFAULT_WAIT_MS): Promise<ReadResult> {
    const p = this.read();
    const result = await within(p, ms, "stream read");
    if (this.outstanding === p) this.outstanding = undefined;
    return result;
  }

  /** The next chunk; fails if the stream ended instead. */
  async chunk(ms = DEFAULT_WAIT_MS): Promise<Uint8Array> {
    const result = await this.next(ms);
    if (result.done) throw new Error("stream ended where a chunk was expected");
    return result.value;
  }

  /** The next chunk as text. */
  async chunkText(ms = DEFAULT_WAIT_MS): Promise<string> {
    return text(await this.chunk(ms));
  }

  /** Reads until the stream ends; returns every chunk. Fails if it does not end within `ms`. */
  async toEnd(ms = DEFAULT_WAIT_MS): Promise<Uint8Array[]> {
    const chunks: Uint8Array[] = [];
    const deadline = performance.now() + ms;
    for (;;) {
      const result = await this.next(Math.max(1, deadline - performance.now()));
      if (result.done) return chunks;
      chunks.push(result.value);
    }
  }

  /** Reads until the accumulated text satisfies `done`; returns that text. */
  async until(done: (soFar: string) => boolean, ms = DEFAULT_WAIT_MS): Promise<string> {
    let soFar = "";
    const deadline = performance.now() + ms;
    while (!done(soFar)) {
      soFar += text(await this.chunk(Math.max(1, deadline - performance.now())));
    }
    return soFar;
  }

  /** True if no chunk (and no end) arrives before the current turn of the event loop is over. */
  async nothingYet(): Promise<boolean> {
    return isPending(this.read());
  }

  cancel(reason?: unknown): Promise<void> {
    return this.reader.cancel(reason);
  }
}

export interface ParsedStream {
  events: EventSourceMessage[];
  retries: number[];
  comments: string[];
  errors: Error[];
}

/** Feeds `input` to a spec-conformant SSE parser (eventsource-parser) and collects what it reports. */
export function parseSse(input: string | Uint8Array | Uint8Array[]): ParsedStream {
  const out: ParsedStream = { events: [], retries: [], comments: [], errors: [] };
  const parser = createParser({
    onEvent: (event) => out.events.push(event),
    onRetry: (retry) => out.retries.push(retry),
    onComment: (comment) => out.comments.push(comment),
    onError: (error) => out.errors.push(error),
  });
  const chunks = typeof input === "string" ? [input] : input instanceof Uint8Array ? [input] : input;
  const streamDecoder = new TextDecoder();
  for (const chunk of chunks) parser.feed(typeof chunk === "string" ? chunk : streamDecoder.decode(chunk, { stream: true }));
  parser.feed(streamDecoder.decode());
  return out;
}

/** The ids of the events in `input`, as numbers. */
export function eventIds(input: string | Uint8Array | Uint8Array[]): number[] {
  return parseSse(input).events.map((event) => Number(event.id));
}
