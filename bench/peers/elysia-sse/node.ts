/**
 * Peer `elysia-sse` on Node: the app (app.ts) through @elysiajs/node (srvx on node:http).
 * `gracefulShutdown: false`: srvx's own SIGTERM handler would wait for every open stream
 * (h3js/srvx src/_plugins.ts); the bench's stop must be immediate, as for every subject.
 */
import { node } from "@elysiajs/node";
import type { Server as SrvxServer } from "srvx";
import { exitOnSignals, HOST, listening, PORT } from "../../surface.ts";
import { createPeerApp } from "./app.ts";

exitOnSignals();
createPeerApp({ adapter: node() }).listen(
  // `gracefulShutdown` is srvx's option, passed through by @elysiajs/node (typed as Bun's options).
  { hostname: HOST, port: PORT, gracefulShutdown: false } as unknown as Parameters<ReturnType<typeof createPeerApp>["listen"]>[0],
  (info) => {
    // The callback runs before srvx has bound the port (it reports the requested port, 0).
    void (info as unknown as { raw: SrvxServer }).raw.ready().then((server) => {
      const address = server.node?.server?.address();
      listening(typeof address === "object" && address ? address.port : Number(new URL(server.url!).port), "node", process.version.slice(1), "@elysiajs/node (srvx), Elysia sse() (peer)");
    });
  },
);
