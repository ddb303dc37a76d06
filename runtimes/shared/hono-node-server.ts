/**
 * The app on @hono/node-server: the node:http path, shared by the `node`, `bun-node` and `deno-node`
 * targets (the same code on three runtimes' node:http). With SSE_TLS_CERT and SSE_TLS_KEY it serves HTTP/2 over TLS with node:http2's createSecureServer, HTTP/1.1 allowed too.
 */
import { serve } from "@hono/node-server";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createSecureServer } from "node:http2";
import { closeEachConnectionOnceIdle } from "./close-idle-connections.ts";
import { serveNodeHttpProbeBeside } from "./node-http-probe-route.ts";
import { setNodeTimeouts } from "./node-timeouts.ts";
import type { PreparedServer } from "../../src/server.ts";

export function serveOnNodeHttp(sse: PreparedServer): void {
  let stopping = false;
  const { tlsCert, tlsKey } = sse.config;
  const tls = tlsCert && tlsKey ? { createServer: createSecureServer, serverOptions: { cert: readFileSync(tlsCert), key: readFileSync(tlsKey), allowHTTP1: true } } : {};
  const server = serve({ fetch: sse.app.fetch, hostname: sse.config.host, port: sse.config.port, ...tls }, (info) =>
    sse.listening(info.port),
  );
  if (!tlsCert) {
    serveNodeHttpProbeBeside(server as Server, sse);
    setNodeTimeouts(server as Server, sse.config.nodeTimeoutsMs);
    closeEachConnectionOnceIdle(server as Server, () => stopping);
  }
  sse.shutdownWith({
    // server.close() waits for every open connection, streams included, to end.
    stopGracefully: () => {
      stopping = true;
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    forceClose: () => "closeAllConnections" in server && server.closeAllConnections(),
    gracefulApi: "server.close()",
    forceApi: "server.closeAllConnections()",
  });
}
