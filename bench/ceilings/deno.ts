/**
 * The raw ceiling on Deno: Deno.serve with a plain ReadableStream per client, no framework. The events
 * of one publish are encoded once, together, and the same Uint8Array is enqueued to every stream. Same bench surface as
 * bench/ceilings/node.ts. The request's abort signal is not read (denoland/deno#27005: with legacy
 * abort it warns on stderr); the stream's cancel() tells of a disconnect.
 */

/** The little of Deno's API used here (the project type-checks with Node's and Bun's types). */
declare const Deno: {
  pid: number;
  version: { deno: string };
  env: { get(name: string): string | undefined };
  memoryUsage(): { rss: number; heapUsed: number };
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  exit(code: number): never;
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

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

async function handle(request: Request): Promise<Response> {
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
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    return Response.json({ collected: gc !== undefined, memory: Deno.memoryUsage() });
  }
  if (request.method === "GET" && path === "/stats") return Response.json({ subscribers: clients.size, memory: Deno.memoryUsage() });
  return new Response(null, { status: 404 });
}

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
Deno.addSignalListener("SIGINT", () => Deno.exit(0));
Deno.serve(
  {
    hostname: Deno.env.get("HOST") ?? "127.0.0.1",
    port: Number(Deno.env.get("PORT") ?? 0),
    onListen: ({ port }) =>
      observe("listening", { port, runtime: "deno", runtimeVersion: Deno.version.deno, server: "Deno.serve (raw ceiling)", pid: Deno.pid }),
  },
  handle,
);
