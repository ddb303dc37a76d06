/**
 * The raw ceiling on Bun: Bun.serve with a plain ReadableStream per client, no framework. The events of
 * one publish are encoded once, together, and the same Uint8Array is enqueued to every stream. Same bench surface as
 * bench/ceilings/node.ts. `idleTimeout: 0`: Bun closes connections quiet for 10 s by default
 * (oven-sh/bun#27479), idle streams included.
 */
const observe = (type: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ t: performance.now(), type, ...fields }));
const encoder = new TextEncoder();
const OPENING = encoder.encode("retry: 2000\n\n");
const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const clients = new Map<number, ReadableStreamDefaultController<Uint8Array>>();
let nextSub = 1;
let lastId = 0;

function events(): Response {
  const sub = nextSub++;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(OPENING);
      clients.set(sub, controller);
      observe("subscribed", { sub, subscribers: clients.size });
    },
    cancel() {
      clients.delete(sub);
      observe("unsubscribed", { sub, mechanism: "cancel", subscribers: clients.size });
    },
  });
  return new Response(stream, { headers: HEADERS });
}

const server = Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  idleTimeout: 0,
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/events") return events();
    if (request.method === "POST" && path === "/control/publish") {
      const body = (await request.json()) as { data?: string; size?: number; count?: number };
      const data = body.data ?? "x".repeat(body.size ?? 0);
      // One shared chunk for the whole publish: the batched write a raw server would do (the node:http
      // ceiling gets the same from Node's own write batching).
      let text = "";
      for (let i = 0; i < (body.count ?? 1); i++) text += `id: ${++lastId}\ndata: ${data}\n\n`;
      const bytes = encoder.encode(text);
      for (const client of clients.values()) client.enqueue(bytes);
      return Response.json({ id: lastId, subscribers: clients.size });
    }
    if (request.method === "POST" && path === "/control/gc") {
      Bun.gc(true);
      return Response.json({ collected: true, memory: process.memoryUsage() });
    }
    if (request.method === "GET" && path === "/stats") return Response.json({ subscribers: clients.size, memory: process.memoryUsage() });
    return new Response(null, { status: 404 });
  },
});

process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
observe("listening", { port: server.port, runtime: "bun", runtimeVersion: Bun.version, server: "Bun.serve (raw ceiling)", pid: process.pid });
