/**
 * One idle SSE stream per connection on Deno, in the shape `VARIANT` names, for the question of
 * the benchmark: does any Deno.serve option or stream shape lower Deno's memory per connection?
 * Prints `{"port":N}` when listening; GET /mem runs two full collections (the runner starts Deno with
 * --v8-flags=--expose-gc) and answers the V8 heap in use. Every other request opens a stream.
 *
 * - default, hwm0, bytes, pull, transform: Deno.serve with a ReadableStream (default queue, queue
 *   of 0, byte stream, pull-only) or a TransformStream's readable side;
 * - pending: Deno.serve with a response that never comes (the request alone);
 * - node-http: node:http's createServer on Deno (the deno-node target's server);
 * - raw: Deno.listen and a hand-written chunked response (the socket alone).
 */

/** The little of Deno's API used here (the project type-checks with Node's and Bun's types). */
declare const Deno: {
  env: { get(name: string): string | undefined };
  memoryUsage(): { rss: number; heapUsed: number };
  serve(options: { hostname: string; port: number; onListen(address: { port: number }): void }, handler: (request: Request) => Response | Promise<Response>): unknown;
  listen(options: { hostname: string; port: number }): AsyncIterable<DenoConn> & { addr: { port: number } };
};
interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

const variant = Deno.env.get("VARIANT") ?? "default";
const encoder = new TextEncoder();
const OPENING = encoder.encode("retry: 2000\n\n");
const HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
/** Holds every stream's controller or writer, as a dispatcher would. */
const held: unknown[] = [];

function collectedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

function body(): ReadableStream<Uint8Array> {
  switch (variant) {
    case "default":
      return new ReadableStream({ start: (c) => void (c.enqueue(OPENING), held.push(c)) });
    case "hwm0":
      return new ReadableStream({ start: (c) => void (c.enqueue(OPENING), held.push(c)) }, { highWaterMark: 0 });
    case "bytes":
      return new ReadableStream({ type: "bytes", start: (c) => void (c.enqueue(new Uint8Array(OPENING)), held.push(c)) });
    case "pull": {
      let opened = false;
      return new ReadableStream(
        {
          pull(c) {
            if (!opened) {
              opened = true;
              c.enqueue(OPENING);
              return;
            }
            held.push(c);
            return new Promise<void>(() => {});
          },
        },
        { highWaterMark: 0 },
      );
    }
    case "transform": {
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const writer = writable.getWriter();
      void writer.write(OPENING);
      held.push(writer);
      return readable;
    }
  }
  throw new Error(`unknown VARIANT ${JSON.stringify(variant)}`);
}

async function serveRaw(): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(JSON.stringify({ port: listener.addr.port }));
  const head = encoder.encode("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\nd\r\nretry: 2000\n\n\r\n");
  for await (const conn of listener) {
    void (async () => {
      const buffer = new Uint8Array(4096);
      const n = (await conn.read(buffer)) ?? 0;
      if (new TextDecoder().decode(buffer.subarray(0, n)).startsWith("GET /mem")) {
        const text = String(collectedHeap());
        await conn.write(encoder.encode(`HTTP/1.1 200 OK\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`));
        conn.close();
        return;
      }
      await conn.write(head);
      held.push(conn);
    })();
  }
}

if (variant === "raw") await serveRaw();
else if (variant === "node-http") {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    if (req.url === "/mem") return void res.end(String(collectedHeap()));
    res.writeHead(200, HEADERS);
    res.write(OPENING);
    held.push(res);
  });
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
} else {
  Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, (request) => {
    if (new URL(request.url).pathname === "/mem") return new Response(String(collectedHeap()));
    if (variant === "pending") return new Promise<Response>(() => {});
    return new Response(body(), { headers: HEADERS });
  });
}
