/**
 * An HTTP/2 SSE client (node:http2) over TLS, trusting the run's self-signed certificate: one session
 * per client, the stream's headers and events timed at arrival, and publish requests on the same
 * session (the server speaks TLS only, so the suite's plain-HTTP control requests cannot reach it).
 * `cancel()` resets the stream with RST_STREAM (CANCEL), as a browser does when a tab closes.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import { createParser } from "eventsource-parser";
import type { ReceivedEvent } from "./raw-client.ts";
import { withTimeout } from "./wait.ts";

export class H2SseClient {
  readonly events: ReceivedEvent[] = [];
  headers: IncomingHttpHeaders | undefined;
  headersAt: number | undefined;
  protocol: string | undefined;
  end: { at: number; how: "end" | "error" | "close"; error?: string } | undefined;
  private readonly waiters = new Set<() => void>();

  readonly session: ClientHttp2Session;
  readonly stream: ClientHttp2Stream;

  private constructor(session: ClientHttp2Session, stream: ClientHttp2Stream) {
    this.session = session;
    this.stream = stream;
    const decoder = new TextDecoder();
    let at = 0;
    const parser = createParser({ onEvent: (e) => this.events.push({ at, id: e.id, event: e.event ?? "message", data: e.data }) });
    stream.on("response", (headers) => {
      this.headers = headers;
      this.headersAt = performance.now();
      this.notify();
    });
    stream.on("data", (chunk: Buffer) => {
      at = performance.now();
      parser.feed(decoder.decode(chunk, { stream: true }));
      this.notify();
    });
    const finish = (how: "end" | "error" | "close", error?: Error) => {
      this.end ??= { at: performance.now(), how, ...(error ? { error: error.message } : {}) };
      this.notify();
    };
    stream.on("end", () => finish("end"));
    stream.on("error", (error) => finish("error", error));
    stream.on("close", () => finish("close"));
    session.on("error", () => {});
  }

  static async open(port: number, ca: string, path: string): Promise<H2SseClient> {
    const session = connect(`https://127.0.0.1:${port}`, { ca });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        session.once("connect", () => resolve());
        session.once("error", reject);
      }),
      5000,
      "HTTP/2 connect",
    );
    const stream = session.request({ ":path": path, accept: "text/event-stream" });
    const client = new H2SseClient(session, stream);
    client.protocol = session.alpnProtocol;
    return client;
  }

  waitUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (test()) return Promise.resolve();
    let waiter!: () => void;
    const promise = new Promise<void>((resolve) => {
      waiter = () => test() && resolve();
    });
    this.waiters.add(waiter);
    return withTimeout(promise, timeoutMs, what).finally(() => this.waiters.delete(waiter));
  }

  /** POST /control/publish on this session; resolves with the event id and when it was sent. */
  async publish(body: { event?: string; data: string }): Promise<{ id: number; sentAt: number }> {
    const sentAt = performance.now();
    const request = this.session.request({ ":method": "POST", ":path": "/control/publish", "content-type": "application/json" });
    request.end(JSON.stringify(body));
    let text = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    await withTimeout(new Promise<void>((resolve, reject) => request.once("end", resolve).once("error", reject)), 5000, "POST /control/publish over HTTP/2");
    return { id: (JSON.parse(text) as { id: number }).id, sentAt };
  }

  /** RST_STREAM with CANCEL on the SSE stream; the session stays up. Returns the time. */
  cancel(): number {
    const at = performance.now();
    this.stream.close(constants.NGHTTP2_CANCEL);
    return at;
  }

  close(): void {
    this.session.destroy();
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }
}
