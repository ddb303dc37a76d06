/**
 * The app on @hono/node-server: the node:http path, shared by the `node`, `bun-node` and `deno-node`
 * targets (the same code on three runtimes' node:http).
 */
import { serve } from "@hono/node-server";
import type { PreparedServer } from "../../src/server.ts";

export function serveOnNodeHttp(sse: PreparedServer): void {
  let stopping = false;
  const server = serve({ fetch: sse.app.fetch, hostname: sse.config.host, port: sse.config.port }, (info) =>
    sse.listening(info.port),
  );
  // server.close() closes the connections idle at that moment, but a keep-alive connection whose
  // stream the dispatcher ends afterwards stays open until its keep-alive timeout (5 s): close each
  // one as soon as its response has finished. closeIdleConnections(): Node >=18.2 (nodejs/node#42812).
  server.on("request", (_request, response) => {
    response.once("finish", () => {
      if (stopping && "closeIdleConnections" in server) setImmediate(() => server.closeIdleConnections());
    });
  });
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
