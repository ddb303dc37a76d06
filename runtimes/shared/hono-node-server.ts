/**
 * The app on @hono/node-server: the node:http path, shared by the `node`, `bun-node` and `deno-node`
 * targets (the same code on three runtimes' node:http).
 */
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { closeEachConnectionOnceIdle } from "./close-idle-connections.ts";
import type { PreparedServer } from "../../src/server.ts";

export function serveOnNodeHttp(sse: PreparedServer): void {
  let stopping = false;
  const server = serve({ fetch: sse.app.fetch, hostname: sse.config.host, port: sse.config.port }, (info) =>
    sse.listening(info.port),
  );
  closeEachConnectionOnceIdle(server as Server, () => stopping);
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
