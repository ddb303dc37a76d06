/**
 * Peer `better-sse` on Node: node:http with better-sse (github.com/MatthewWid/better-sse), a session
 * per client registered to one channel, each event a `channel.broadcast()`: what its docs show for
 * many clients. The payload is text already: the serializer passes it through (the default,
 * JSON.stringify, would quote it: better-sse docs/api.md). No keep-alive comments, as no subject in the bench sends any.
 */
import { createServer } from "node:http";
import { createChannel, createSession } from "better-sse";
import { collectGarbage, dataOf, exitOnSignals, HOST, listening, memory, observe, PORT, readJson } from "../../surface.ts";

const channel = createChannel();
let nextSub = 1;
let lastId = 0;
let subscribers = 0;

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url?.startsWith("/events")) {
    const sub = nextSub++;
    createSession(req, res, { serializer: String, keepAlive: null }).then((session) => {
      channel.register(session);
      observe("subscribed", { sub, subscribers: ++subscribers });
      session.once("disconnected", () => observe("unsubscribed", { sub, mechanism: "disconnected", subscribers: --subscribers }));
    });
    return;
  }
  if (req.method === "POST" && req.url === "/control/publish") {
    readJson(req).then(
      (body) => {
        const data = dataOf(body);
        for (let i = 0; i < (body.count ?? 1); i++) channel.broadcast(data, "message", { eventId: String(++lastId) });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: lastId, subscribers }));
      },
      () => res.writeHead(400).end(),
    );
    return;
  }
  if (req.method === "POST" && req.url === "/control/gc") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ collected: collectGarbage(), memory: memory() }));
    return;
  }
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ subscribers, memory: memory() }));
    return;
  }
  res.writeHead(404).end();
});

exitOnSignals();
server.listen(PORT, HOST, () => {
  const address = server.address();
  listening(typeof address === "object" && address ? address.port : 0, "node", process.version.slice(1), "node:http, better-sse channel (peer)");
});
