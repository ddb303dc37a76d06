/** Target `node`: the app on @hono/node-server under Node.js. */
import { serve } from "@hono/node-server";
import { prepareServer } from "../src/server.ts";

const sse = prepareServer({ server: "@hono/node-server" });
const server = serve({ fetch: sse.app.fetch, hostname: sse.config.host, port: sse.config.port }, (info) =>
  sse.listening(info.port),
);

sse.shutdownWith({
  // server.close() waits for every open connection, streams included, to end.
  stopGracefully: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  forceClose: () => "closeAllConnections" in server && server.closeAllConnections(),
  gracefulApi: "server.close()",
  forceApi: "server.closeAllConnections()",
});
