/**
 * The load client's parser for one SSE response, built for volume: it reads the HTTP head, undoes
 * chunked transfer coding (RFC 9112 §7.1) on buffer slices without copying, and finds the bench's
 * events by their data line, `data: t=<sent, µs>;s=<step>;xxx…` (or `data:t=…`), so that each event is timed and
 * attributed to its step with a few native `indexOf` calls and no string decoding.
 *
 * Nothing here knows about sockets: `feed()` takes what arrived and when, the callbacks say what it was.
 */

const HEAD_END = Buffer.from("\r\n\r\n");
const EVENT_END = Buffer.from("\n\n");
/** The data field's name; the space after the colon is optional (WHATWG HTML §9.2.6): better-sse writes none. */
const MARK = Buffer.from("data:");
const SPACE = 0x20;
const T = 0x74;
const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;
const SEMICOLON = 0x3b;
const ZERO = 0x30;
const NINE = 0x39;
/** A status line and headers longer than this are not an SSE server's. */
const MAX_HEAD_BYTES = 16 * 1024;

export interface StreamCallbacks {
  /** The response head, parsed. A status other than 200 ends the stream as a failure. */
  onHead(status: number): void;
  /** The first body bytes (the stream's opening, `retry:` on every server we run). */
  onFirstBody(at: number): void;
  /**
   * `count` bench events in a row with the same sending time (µs, coordinator clock) and step, which
   * arrived together at `at`. A publish carries many events of one tick, so runs are the rule; one
   * call per run instead of per event is a good part of what a load client spends per delivery.
   */
  onEvents(sentUs: number, step: number, at: number, count: number): void;
  /** The body ended (last chunk) or the bytes made no sense. */
  onEnd(reason: "last-chunk" | "bad-head" | "bad-chunk"): void;
}

type State = "head" | "size" | "data" | "data-crlf" | "raw" | "done";

export class SseStreamReader {
  private state: State = "head";
  private head: Buffer | null = null;
  /** The chunk-size line so far (it may be split between reads). */
  private sizeLine = "";
  private chunkLeft = 0;
  private crlfLeft = 0;
  /** An event split between reads or chunks, waiting for its end. */
  private carry: Buffer | null = null;
  private sawBody = false;
  /** The run of identical events being counted within one read. */
  private runSent = -1;
  private runStep = -1;
  private runCount = 0;
  private readonly callbacks: StreamCallbacks;

  constructor(callbacks: StreamCallbacks) {
    this.callbacks = callbacks;
  }

  get done(): boolean {
    return this.state === "done";
  }

  feed(data: Buffer, at: number): void {
    let pos = 0;
    while (pos < data.length && this.state !== "done") {
      switch (this.state) {
        case "head":
          pos = this.readHead(data);
          break;
        case "raw":
          this.body(data.subarray(pos), at);
          pos = data.length;
          break;
        case "size":
          pos = this.readSize(data, pos);
          break;
        case "data": {
          const take = Math.min(this.chunkLeft, data.length - pos);
          this.body(data.subarray(pos, pos + take), at);
          pos += take;
          this.chunkLeft -= take;
          if (this.chunkLeft === 0) {
            this.state = "data-crlf";
            this.crlfLeft = 2;
          }
          break;
        }
        case "data-crlf": {
          const take = Math.min(this.crlfLeft, data.length - pos);
          pos += take;
          this.crlfLeft -= take;
          if (this.crlfLeft === 0) this.state = "size";
          break;
        }
      }
    }
  }

  /** Returns the position after the head, or the end of `data` while the head is incomplete. */
  private readHead(data: Buffer): number {
    const joined = this.head ? Buffer.concat([this.head, data]) : data;
    const end = joined.indexOf(HEAD_END);
    if (end < 0) {
      if (joined.length > MAX_HEAD_BYTES) this.fail("bad-head");
      else this.head = Buffer.from(joined);
      return data.length;
    }
    const consumedBefore = this.head ? this.head.length : 0;
    const text = joined.subarray(0, end).toString("latin1");
    this.head = null;
    const status = Number(text.slice(9, 12));
    this.callbacks.onHead(status);
    if (status !== 200) {
      this.fail("bad-head");
      return data.length;
    }
    this.state = /\r\ntransfer-encoding:[^\r]*chunked/i.test(text) ? "size" : "raw";
    return end + 4 - consumedBefore;
  }

  private readSize(data: Buffer, pos: number): number {
    const lineEnd = data.indexOf(LF, pos);
    if (lineEnd < 0) {
      this.sizeLine += data.toString("latin1", pos);
      if (this.sizeLine.length > 64) this.fail("bad-chunk");
      return data.length;
    }
    let line = this.sizeLine + data.toString("latin1", pos, lineEnd);
    this.sizeLine = "";
    if (line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
    const size = parseInt(line.split(";")[0]!, 16);
    if (Number.isNaN(size)) this.fail("bad-chunk");
    else if (size === 0) {
      this.state = "done";
      this.callbacks.onEnd("last-chunk");
    } else {
      this.chunkLeft = size;
      this.state = "data";
    }
    return lineEnd + 1;
  }

  private body(bytes: Buffer, at: number): void {
    if (bytes.length === 0) return;
    if (!this.sawBody) {
      this.sawBody = true;
      this.callbacks.onFirstBody(at);
    }
    const data = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    let start = 0;
    for (;;) {
      const end = data.indexOf(EVENT_END, start);
      if (end < 0) break;
      this.event(data, start, end, at);
      start = end + 2;
    }
    this.endRun(at);
    // Copied: a slice would keep the whole read buffer alive.
    this.carry = start < data.length ? Buffer.from(data.subarray(start)) : null;
  }

  /** Parses `t=<digits>;s=<digits>;` after the mark; anything else (`retry:`, comments) is not ours. */
  private event(data: Buffer, start: number, end: number, at: number): void {
    const mark = data.indexOf(MARK, start);
    if (mark < 0 || mark > end) return;
    let i = mark + MARK.length;
    if (data[i] === SPACE) i++;
    if (data[i] !== T || data[i + 1] !== EQUALS) return;
    i += 2;
    let sent = 0;
    for (let c = data[i]!; c >= ZERO && c <= NINE; c = data[++i]!) sent = sent * 10 + (c - ZERO);
    if (data[i] !== SEMICOLON) return;
    i += 3; // ";s="
    let step = 0;
    for (let c = data[i]!; c >= ZERO && c <= NINE; c = data[++i]!) step = step * 10 + (c - ZERO);
    if (this.runCount > 0 && (sent !== this.runSent || step !== this.runStep)) this.endRun(at);
    this.runSent = sent;
    this.runStep = step;
    this.runCount++;
  }

  private endRun(at: number): void {
    if (this.runCount === 0) return;
    const count = this.runCount;
    this.runCount = 0;
    this.callbacks.onEvents(this.runSent, this.runStep, at, count);
  }

  private fail(reason: "bad-head" | "bad-chunk"): void {
    this.state = "done";
    this.callbacks.onEnd(reason);
  }
}

/** The bench's event payload: exactly `size` bytes of ASCII, starting with what the reader parses. */
export function benchPayload(sentUs: number, step: number, size: number): string {
  const head = `t=${Math.round(sentUs)};s=${step};`;
  return head.length >= size ? head : head + "x".repeat(size - head.length);
}
