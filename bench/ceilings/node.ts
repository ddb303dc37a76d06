/**
 * The raw ceiling on Node: node:http, no framework, the best plain code can do for the bench's SSE
 * workload. The events of a publish are encoded once, into one buffer, and each response gets one
 * write of what is waiting, at most once per turn of the event loop (bench/surface.ts `perTurn`: as
 * our dispatcher flushes): a write per event
 * per client cost more than our dispatcher's coalesced writes, and the target beat its "ceiling" ×1.7
 * in fan-out. The bench's surface (bench/surface.ts), as every subject.
 */
import { createServer, type ServerResponse } from "node:http";
import { collectGarbage, encodePublish, exitOnSignals, HOST, listening, memory, observe, perTurn, PORT, readJson } from "../surface.ts";

const OPENING = Buffer.from("retry: 2000\n\n");
const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const JSON_HEADERS = { "content-type": "application/json" };
const clients = new Map<number, ServerResponse>();
let nextSub = 1;
let lastId = 0;
const broadcast = perTurn((chunk) => {
  for (const client of clients.values()) client.write(chunk);
});

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
        broadcast(Buffer.from(encodePublish(body, () => ++lastId)));
        res.writeHead(200, JSON_HEADERS).end(JSON.stringify({ id: lastId, subscribers: clients.size }));
      },
      () => res.writeHead(400).end(),
    );
    return;
  }
  if (req.method === "POST" && req.url === "/control/gc") {
    res.writeHead(200, JSON_HEADERS).end(JSON.stringify({ collected: collectGarbage(), memory: memory() }));
    return;
  }
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, JSON_HEADERS).end(JSON.stringify({ subscribers: clients.size, memory: memory() }));
    return;
  }
  res.writeHead(404).end();
});

exitOnSignals();
server.listen(PORT, HOST, () => {
  const address = server.address();
  listening(typeof address === "object" && address ? address.port : 0, "node", process.version.slice(1), "node:http (raw ceiling)");
});
