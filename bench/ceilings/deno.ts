/**
 * The raw ceiling on Deno: Deno.serve with a plain ReadableStream per client, no framework. The events
 * of a publish are encoded once, into one Uint8Array, and enqueued to every stream, at most once
 * per turn of the event loop (bench/surface.ts `perTurn`: as our dispatcher flushes). The bench's surface (bench/surface.ts), as
 * every subject. The request's abort signal is not read (denoland/deno#27005: with legacy abort it
 * warns on stderr); the stream's cancel() tells of a disconnect.
 */
import { collectGarbage, encodePublish, exitOnSignals, HOST, listening, memory, observe, perTurn, PORT, type PublishBody } from "../surface.ts";

/** The little of Deno's API used here (the project type-checks with Node's and Bun's types). */
declare const Deno: {
  version: { deno: string };
  serve(options: { hostname: string; port: number; onListen(address: { port: number }): void }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

const encoder = new TextEncoder();
const OPENING = encoder.encode("retry: 2000\n\n");
const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const clients = new Map<number, ReadableStreamDefaultController<Uint8Array>>();
let nextSub = 1;
let lastId = 0;
const broadcast = perTurn((chunk) => {
  for (const client of clients.values()) client.enqueue(chunk);
});

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
    broadcast(encoder.encode(encodePublish((await request.json()) as PublishBody, () => ++lastId)));
    return Response.json({ id: lastId, subscribers: clients.size });
  }
  if (request.method === "POST" && path === "/control/gc") return Response.json({ collected: collectGarbage(), memory: memory() });
  if (request.method === "GET" && path === "/stats") return Response.json({ subscribers: clients.size, memory: memory() });
  return new Response(null, { status: 404 });
}

exitOnSignals();
Deno.serve({ hostname: HOST, port: PORT, onListen: ({ port }) => listening(port, "deno", Deno.version.deno, "Deno.serve (raw ceiling)") }, handle);
