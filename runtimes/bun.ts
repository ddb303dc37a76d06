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
// With SSE_TLS_CERT and SSE_TLS_KEY: TLS, and HTTP/2 for clients that offer h2 by ALPN (`http2`,
// experimental in Bun 1.4: oven-sh/bun#40137).
const { tlsCert, tlsKey } = sse.config;
const tls = tlsCert && tlsKey ? { tls: { cert: Bun.file(tlsCert), key: Bun.file(tlsKey) }, http2: true } : {};
const server = Bun.serve({ hostname: sse.config.host, port: sse.config.port, fetch: sse.app.fetch, ...tls });

sse.shutdownWith({
  // stop() without argument lets in-flight requests finish, open streams included; stop(true) closes them.
  stopGracefully: () => server.stop(),
  forceClose: () => void server.stop(true),
  gracefulApi: "server.stop()",
  forceApi: "server.stop(true)",
});
sse.listening(server.port!);
