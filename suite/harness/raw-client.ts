/**
 * A raw-socket SSE client (node:net) for exact control: it writes the request itself, times the
 * arrival of every byte, decodes chunked transfer coding by hand (so that it sees the last chunk and
 * the FIN apart), parses events with eventsource-parser (spec-conformant), and closes with FIN or RST
 * at the moment the check chooses.
 */
import { connect, type Socket } from "node:net";
import { createBrotliDecompress, createGunzip, createInflate, createZstdDecompress } from "node:zlib";
import type { Transform } from "node:stream";
import { createParser, type EventSourceParser } from "eventsource-parser";
import { withTimeout } from "./wait.ts";

export interface ResponseHead {
  at: number;
  status: number;
  statusLine: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export interface ReceivedEvent {
  at: number;
  id: string | undefined;
  event: string;
  data: string;
}

export interface StreamEnd {
  at: number;
  /** `fin`: the server closed the connection normally; `rst`: reset; `local`: we closed first. */
  how: "fin" | "rst" | "error" | "local";
  /** The chunked body's terminating zero-length chunk arrived before the end. */
  lastChunk: boolean;
  error?: string;
}

export interface OpenOptions {
  path?: string;
  /** Default GET; a HEAD response has no body, and bytes after its head are kept apart (`bytesAfterHead`). */
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** Bound on the TCP connect, ms. */
  connectTimeoutMs?: number;
}

type Waiter = { test: () => boolean; resolve: () => void };

export class RawSseClient {
  readonly socket: Socket;
  readonly openedAt: number;
  head: ResponseHead | undefined;
  readonly events: ReceivedEvent[] = [];
  readonly comments: { at: number; text: string }[] = [];
  readonly retries: number[] = [];
  /** De-chunked body bytes with their arrival time. */
  readonly bodyChunks: { at: number; bytes: Buffer }[] = [];
  bytesReceived = 0;
  /** Arrival time of the first byte of the response (status line), if any. */
  firstByteAt: number | undefined;
  end: StreamEnd | undefined;
  readonly ended: Promise<StreamEnd>;
  private buffer: Buffer = Buffer.alloc(0);
  private chunked = false;
  /** The response uses chunked transfer coding (an HTTP/1.0 response ends by closing instead). */
  get isChunked(): boolean {
    return this.chunked;
  }
  private lastChunk = false;
  /** Arrival of the terminating zero-length chunk (a keep-alive connection may stay open after it). */
  lastChunkAt: number | undefined;
  /** Chunks whose closing CRLF came in a later read than their data (when each came). */
  readonly lateChunkEnds: { dataAt: number; crlfAt: number }[] = [];
  private chunkState: "size" | "data" | "crlf" = "size";
  private chunkRemaining = 0;
  private chunkDataEndedAt = 0;
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder("utf-8");
  private readonly waiters = new Set<Waiter>();
  private resolveEnded!: (end: StreamEnd) => void;
  private chunkAt = 0;
  private readonly method: "GET" | "HEAD";
  /** For a body with a Content-Encoding (gzip, deflate, br, zstd): the decoder events are parsed from. */
  private decoding: Transform | undefined;
  /** Bytes that came after the head of a HEAD response, which has no body. */
  bytesAfterHead = 0;
  /** The body's Content-Encoding could not be decoded (unknown coding, or corrupt data). */
  decodeError: string | undefined;

  private constructor(socket: Socket, method: "GET" | "HEAD" = "GET") {
    this.method = method;
    this.socket = socket;
    this.openedAt = performance.now();
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.parser = createParser({
      onEvent: (e) => this.events.push({ at: this.chunkAt, id: e.id, event: e.event ?? "message", data: e.data }),
      onComment: (text) => this.comments.push({ at: this.chunkAt, text }),
      onRetry: (ms) => this.retries.push(ms),
    });
    socket.on("data", (data: Buffer) => this.onData(data));
    socket.on("end", () => this.finish("fin"));
    socket.on("error", (error: NodeJS.ErrnoException) => this.finish(error.code === "ECONNRESET" ? "rst" : "error", error.message));
    socket.on("close", () => this.finish("local"));
  }

  /** Connects and sends `GET path`; resolves once connected (not when headers arrive). */
  static async open(port: number, options: OpenOptions = {}): Promise<RawSseClient> {
    const socket = connect({ host: "127.0.0.1", port, noDelay: true });
    const client = new RawSseClient(socket, options.method);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      }),
      options.connectTimeoutMs ?? 5000,
      "TCP connect",
    );
    const headers = { host: `127.0.0.1:${port}`, accept: "text/event-stream", ...options.headers };
    const lines = [`${options.method ?? "GET"} ${options.path ?? "/events"} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(lines.join("\r\n") + "\r\n\r\n");
    return client;
  }

  /** Resolves when `test` holds (checked now and on every arrival), within `timeoutMs`. */
  waitUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (test()) return Promise.resolve();
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve) => {
      waiter = { test, resolve };
      this.waiters.add(waiter);
    });
    return withTimeout(promise, timeoutMs, what).finally(() => this.waiters.delete(waiter));
  }

  waitForHead(timeoutMs: number): Promise<ResponseHead> {
    return this.waitUntil(() => this.head !== undefined || this.end !== undefined, timeoutMs, "response headers").then(() => {
      if (!this.head) throw new Error(`connection ended before headers (${this.end?.how})`);
      return this.head;
    });
  }

  /** The first event (received or to come) that passes `test`. */
  async waitForEvent(test: (e: ReceivedEvent) => boolean, timeoutMs: number, what = "event"): Promise<ReceivedEvent> {
    await this.waitUntil(() => this.events.some(test) || this.end !== undefined, timeoutMs, what);
    const found = this.events.find(test);
    if (!found) throw new Error(`stream ended (${this.end?.how}) before ${what}`);
    return found;
  }

  waitForEnd(timeoutMs: number): Promise<StreamEnd> {
    return withTimeout(this.ended, timeoutMs, "end of stream");
  }

  /** Half-closes our side with FIN, as a closing browser tab does. Returns the time. */
  closeFin(): number {
    const at = performance.now();
    this.socket.end();
    // We will not read the rest: once the FIN is out, tear down to free the socket.
    this.socket.destroySoon();
    return at;
  }

  /** Aborts with RST, as a crashed client or a dropped network path does. Returns the time. */
  closeRst(): number {
    const at = performance.now();
    this.socket.resetAndDestroy();
    return at;
  }

  /** Stops reading: the kernel buffers fill and the server's writes meet backpressure. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  get bodyText(): string {
    return Buffer.concat(this.bodyChunks.map((c) => c.bytes)).toString("utf8");
  }

  private onData(data: Buffer): void {
    const at = performance.now();
    this.firstByteAt ??= at;
    this.bytesReceived += data.length;
    this.chunkAt = at;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    if (!this.head) this.parseHead(at);
    if (this.head && this.method === "HEAD") {
      this.bytesAfterHead += this.buffer.length;
      this.buffer = Buffer.alloc(0);
    } else if (this.head) this.parseBody(at);
    this.notify();
  }

  private parseHead(at: number): void {
    const endOfHead = this.buffer.indexOf("\r\n\r\n");
    if (endOfHead < 0) return;
    const [statusLine, ...lines] = this.buffer.subarray(0, endOfHead).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    this.head = { at, status: Number(statusLine!.split(" ")[1]), statusLine: statusLine!, headers };
    this.chunked = /chunked/i.test(headers["transfer-encoding"] ?? "");
    this.buffer = this.buffer.subarray(endOfHead + 4);
    const coding = headers["content-encoding"]?.trim().toLowerCase();
    if (coding && coding !== "identity") this.startDecoding(coding);
  }

  /**
   * Events of an encoded body are parsed from the decoder's output, each timed at the arrival of the
   * latest bytes before it (`chunkAt`): the decoder's own work is not the server's delay.
   */
  private startDecoding(coding: string): void {
    const decoders: Record<string, () => Transform> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate, br: createBrotliDecompress, zstd: createZstdDecompress };
    const make = decoders[coding];
    if (!make) {
      this.decodeError = `unknown content-encoding ${JSON.stringify(coding)}`;
      return;
    }
    this.decoding = make();
    this.decoding.on("data", (bytes: Buffer) => {
      this.parser.feed(this.decoder.decode(bytes, { stream: true }));
      this.notify();
    });
    this.decoding.on("error", (error: Error) => {
      this.decodeError = error.message;
      this.notify();
    });
  }

  private parseBody(at: number): void {
    if (!this.chunked) {
      if (this.buffer.length) this.acceptBody(at, this.buffer);
      this.buffer = Buffer.alloc(0);
      return;
    }
    // Chunked transfer coding (RFC 9112 §7.1): size in hex, optional extensions, CRLF, data, CRLF.
    // Data is delivered as soon as it arrives, a part of a chunk included, as llhttp and browsers do:
    // a client that waited for the CRLF after the data would hold back an event that a real client
    // already has (Bun 1.1.45 sends each chunk's CRLF only with the next chunk).
    for (;;) {
      if (this.chunkState === "size") {
        const lineEnd = this.buffer.indexOf("\r\n");
        if (lineEnd < 0) return;
        const size = parseInt(this.buffer.subarray(0, lineEnd).toString("latin1").split(";")[0]!, 16);
        if (Number.isNaN(size)) {
          this.finish("error", "malformed chunk size");
          this.socket.destroy();
          return;
        }
        this.buffer = this.buffer.subarray(lineEnd + 2);
        if (size === 0) {
          this.lastChunk = true;
          this.lastChunkAt = at;
          this.buffer = Buffer.alloc(0);
          return;
        }
        this.chunkRemaining = size;
        this.chunkState = "data";
      }
      if (this.chunkState === "data") {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.chunkRemaining, this.buffer.length);
        this.acceptBody(at, this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.chunkRemaining -= take;
        if (this.chunkRemaining > 0) return;
        this.chunkDataEndedAt = at;
        this.chunkState = "crlf";
      }
      if (this.buffer.length < 2) return;
      // The CRLF that ends the chunk came in a later read than its data: a fact of its own.
      if (at > this.chunkDataEndedAt) this.lateChunkEnds.push({ dataAt: this.chunkDataEndedAt, crlfAt: at });
      this.buffer = this.buffer.subarray(2);
      this.chunkState = "size";
    }
  }

  private acceptBody(at: number, bytes: Buffer): void {
    const copy = Buffer.from(bytes);
    this.bodyChunks.push({ at, bytes: copy });
    if (this.decoding) this.decoding.write(copy);
    else if (!this.decodeError) this.parser.feed(this.decoder.decode(copy, { stream: true }));
  }

  private finish(how: StreamEnd["how"], error?: string): void {
    if (this.end) return;
    this.end = { at: performance.now(), how, lastChunk: this.lastChunk, ...(error ? { error } : {}) };
    this.resolveEnded(this.end);
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters) {
      if (waiter.test()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
