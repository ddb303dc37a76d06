/**
 * The raw ceiling on Node: node:http, no framework, the least code that serves the bench's SSE
 * workload. Each event is encoded once and the same Buffer is written to every response. It speaks
 * the app's bench surface: GET /events, POST /control/publish {data?|size?, count?}, POST /control/gc,
 * GET /stats, and the report lines (listening, subscribed, unsubscribed) on stdout.
 */
import { createServer, type ServerResponse } from "node:http";

const observe = (type: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ t: performance.now(), type, ...fields }));
const OPENING = Buffer.from("retry: 2000\n\n");
const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const clients = new Map<number, ServerResponse>();
let nextSub = 1;
let lastId = 0;

function readJson(req: import("node:http").IncomingMessage): Promise<{ data?: string; size?: number; count?: number }> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      try {
        resolve(JSON.parse(body || "{}"));
      } catch (error) {
        reject(error);
      }
    });
  });
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
        const data = body.data ?? "x".repeat(body.size ?? 0);
        for (let i = 0; i < (body.count ?? 1); i++) {
          const bytes = Buffer.from(`id: ${++lastId}\ndata: ${data}\n\n`);
          for (const client of clients.values()) client.write(bytes);
        }
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
