/** Target `bun`: the app on Bun.serve. */
import { prepareServer } from "../src/server.ts";
import target from "../targets/bun.json" with { type: "json" };

const sse = prepareServer({
  ...target,
  // Bun.serve closes a connection with no traffic for `idleTimeout` (10 s by default), streams
  // included (oven-sh/bun#27479); lift it per stream. Hono passes the Bun server as `c.env`.
  // server.timeout() arrived after Bun 1.1.26 (oven-sh/bun#13772): older versions keep the limit.
  onStream: (c) => {
    const server = c.env as Bun.Server<unknown> | undefined;
    if (typeof server?.timeout === "function") server.timeout(c.req.raw, 0);
  },
});
const server = Bun.serve({ hostname: sse.config.host, port: sse.config.port, fetch: sse.app.fetch });

sse.shutdownWith({
  // stop() without argument lets in-flight requests finish, open streams included; stop(true) closes them.
  stopGracefully: () => server.stop(),
  forceClose: () => void server.stop(true),
  gracefulApi: "server.stop()",
  forceApi: "server.stop(true)",
});
sse.listening(server.port!);
