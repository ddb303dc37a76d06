import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { NODE_HTTP_PROBE_PATH, serveNodeHttpProbe } from "../../src/node-http-probe.ts";
import type { PreparedServer } from "../../src/server.ts";

/**
 * Serves the node:http probe (src/node-http-probe.ts) beside the app on `server`, with the control
 * endpoints only, as the other probes: the app's own request listeners (@hono/node-server's, srvx's)
 * are taken off the server and called for every other request. Call it before any listener that is not
 * the app's is added.
 */
export function serveNodeHttpProbeBeside(server: Server, sse: PreparedServer): void {
  if (!sse.config.control) return;
  const app = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && (req.url ?? "").split("?")[0] === NODE_HTTP_PROBE_PATH) return serveNodeHttpProbe(req, res, sse.observe);
    for (const listener of app) listener.call(server, req, res);
  });
}
