/**
 * Target `elysia-node`: the Elysia app (src/elysia-app.ts) on Node through @elysiajs/node, which serves
 * with srvx (via crossws) on node:http.
 *
 * srvx installs its own SIGINT/SIGTERM handlers (close, then process.exit(0)) unless `gracefulShutdown`
 * is false, and skips them when CI or TEST is set (h3js/srvx src/_plugins.ts): turned off here so that
 * our shutdown is the only one, whatever the environment. @elysiajs/node does not set `app.server`
 * and its stop() ignores "close active connections", so the handles come from the listen callback.
 */
import { node } from "@elysiajs/node";
import type { Server } from "node:http";
import type { Server as SrvxServer } from "srvx";
import { createElysiaApp } from "../src/elysia-app.ts";
import { prepareServer } from "../src/server.ts";
import target from "../targets/elysia-node.json" with { type: "json" };
import { closeEachConnectionOnceIdle } from "./shared/close-idle-connections.ts";
import { serveNodeHttpProbeBeside } from "./shared/node-http-probe-route.ts";
import { setNodeTimeouts } from "./shared/node-timeouts.ts";

const sse = prepareServer(target);
const app = createElysiaApp(sse, { adapter: node() });

let srvx: SrvxServer | undefined;
let stopping = false;

// Signal handlers before the readiness line: a signal right after it must find them installed.
sse.shutdownWith({
  // srvx close(): node:http server.close(), which waits for every open connection, streams included.
  stopGracefully: () => {
    stopping = true;
    return srvx?.close() ?? Promise.resolve();
  },
  // close(true) calls closeAllConnections() first.
  forceClose: () => void srvx?.close(true),
  gracefulApi: "srvx server.close()",
  forceApi: "srvx server.close(true)",
});

// With SSE_TLS_CERT and SSE_TLS_KEY: srvx serves TLS with node:http2's createSecureServer (HTTP/1.1
// allowed), its default for a certificate (h3js/srvx src/adapters/node.ts).
const { tlsCert, tlsKey } = sse.config;
const tls = tlsCert && tlsKey ? { tls: { cert: tlsCert, key: tlsKey } } : {};

app.listen(
  // `gracefulShutdown` and `tls` are srvx's options, passed through by @elysiajs/node (typed as Bun's options).
  { hostname: sse.config.host, port: sse.config.port, gracefulShutdown: false, ...tls } as unknown as Parameters<typeof app.listen>[0],
  (info) => {
    // The callback runs before srvx has bound the port (it reports the requested port, 0).
    srvx = (info as unknown as { raw: SrvxServer }).raw;
    void srvx.ready().then((server) => {
      if (server.node?.server) {
        serveNodeHttpProbeBeside(server.node.server as Server, sse);
        setNodeTimeouts(server.node.server as Server, sse.config.nodeTimeoutsMs);
        closeEachConnectionOnceIdle(server.node.server as Server, () => stopping);
      }
      const address = server.node?.server?.address();
      sse.listening(typeof address === "object" && address ? address.port : Number(new URL(server.url!).port));
    });
  },
);
