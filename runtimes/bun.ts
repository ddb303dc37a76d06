/** Target `bun`: the app on Bun.serve. */
import { prepareServer } from "../src/server.ts";

const sse = prepareServer({
  server: "Bun.serve",
  // Bun.serve closes a connection with no traffic for `idleTimeout` (10 s by default), streams
  // included; lift it per stream. Hono passes the Bun server as `c.env`.
  onStream: (c) => (c.env as Bun.Server<unknown> | undefined)?.timeout(c.req.raw, 0),
});
const server = Bun.serve({ hostname: sse.config.host, port: sse.config.port, fetch: sse.app.fetch });
sse.listening(server.port!);

sse.shutdownWith({
  // stop() without argument lets in-flight requests finish; stop(true) closes them.
  stopGracefully: () => server.stop(),
  forceClose: () => void server.stop(true),
  gracefulApi: "server.stop()",
  forceApi: "server.stop(true)",
});
