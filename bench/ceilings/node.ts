/**
 * The raw ceiling on Node: node:http, no framework, the best plain code can do for the bench's SSE
 * workload. The events published in one turn of the event loop are encoded once, into one Buffer,
 * and each response gets one write of it per turn (setImmediate): a write per event per client
 * cost more than our dispatcher's coalesced writes, and the target beat its "ceiling" ×1.7 in fan-out
 * (issue 16). It speaks the bench's surface (bench/surface.ts): GET /events, POST /control/publish
 * {data?|size?, count?}, POST /control/gc, GET /stats, and the report lines (listening, subscribed,
 * unsubscribed) on stdout.
 */
import { createServer, type ServerResponse } from "node:http";
import { dataOf, observe, readJson } from "../surface.ts";

const OPENING = Buffer.from("retry: 2000\n\n");
const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const clients = new Map<number, ServerResponse>();
let nextSub = 1;
let lastId = 0;

/** What this turn published, written to every response once the turn ends. */
let pending: Buffer[] = [];

function broadcast(bytes: Buffer): void {
  if (pending.push(bytes) === 1) setImmediate(flush);
}

function flush(): void {
  const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
  pending = [];
  for (const client of clients.values()) client.write(chunk);
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url?.startsWith("/events")) {
    const sub = nextSub++;
    res.writeHead(200, HEADERS);
    res.write(OPENING);
    clients.set(sub, res);
    observe("subscribed", { sub, subscribers: clients.size });
    res.on("close", () => {
      clients.delete(sub);
      observe("unsubscribed", { sub, mechanism: "close", subscribers: clients.size });
    });
    return;
  }
  if (req.method === "POST" && req.url === "/control/publish") {
    readJson(req).then(
      (body) => {
        const data = dataOf(body);
        let text = "";
        for (let i = 0; i < (body.count ?? 1); i++) text += `id: ${++lastId}\ndata: ${data}\n\n`;
        broadcast(Buffer.from(text));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: lastId, subscribers: clients.size }));
      },
      () => res.writeHead(400).end(),
    );
    return;
  }
  if (req.method === "POST" && req.url === "/control/gc") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ collected: gc !== undefined, memory: process.memoryUsage() }));
    return;
  }
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ subscribers: clients.size, memory: process.memoryUsage() }));
    return;
  }
  res.writeHead(404).end();
});

process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  observe("listening", { port, runtime: "node", runtimeVersion: process.version.slice(1), server: "node:http (raw ceiling)", pid: process.pid });
});
