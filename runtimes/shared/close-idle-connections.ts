import type { Server } from "node:http";

/**
 * server.close() closes the connections idle at that moment, but a keep-alive connection whose stream
 * the dispatcher ends afterwards stays open until its keep-alive timeout (5 s): while stopping, close
 * each one as soon as its response has finished. closeIdleConnections(): Node >=18.2 (nodejs/node#42812).
 */
export function closeEachConnectionOnceIdle(server: Server, stopping: () => boolean): void {
  server.on("request", (_request, response) => {
    response.once("finish", () => {
      if (stopping() && typeof server.closeIdleConnections === "function") setImmediate(() => server.closeIdleConnections());
    });
  });
}
