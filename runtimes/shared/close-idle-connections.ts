import type { Server } from "node:http";
// From node:timers, not the global: Deno gained a global setImmediate only in 2.4.0 (denoland/deno#29877),
// and below it a stop with open streams printed "ReferenceError: setImmediate is not defined" (Deno 2.3.7,
// sigint.open-streams and sigterm.open-streams).
import { setImmediate } from "node:timers";

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
