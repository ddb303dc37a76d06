/**
 * Target `elysia-bun`: the Elysia app (src/elysia-app.ts) with Elysia's Bun adapter, i.e. on Bun.serve.
 * Elysia's listen() sets `idleTimeout: 30` (Bun's own default is 10 s) and Bun closes a stream that
 * stays quiet that long (oven-sh/bun#27479, docs of Bun.serve idleTimeout); lift it per stream with
 * `server.timeout(request, 0)` (oven-sh/bun#13772), as the `bun` target does.
 */
import type { Server } from "bun";
import { createElysiaApp } from "../src/elysia-app.ts";
import { prepareServer } from "../src/server.ts";
import target from "../targets/elysia-bun.json" with { type: "json" };

const sse = prepareServer(target);
const app = createElysiaApp(sse, {
  onStream: (request, server) => {
    // server.timeout() does not exist before it (Bun 1.1.26 has none): the stream keeps the limit.
    const bun = server as Server<unknown> | null;
    if (typeof bun?.timeout === "function") bun.timeout(request, 0);
  },
});

// Signal handlers before the readiness line: a signal right after it must find them installed.
sse.shutdownWith({
  // Elysia's stop() awaits Bun's server.stop(), which lets in-flight requests finish (elysiajs/elysia#1455);
  // stop(true) closes them.
  stopGracefully: async () => void (await app.stop()),
  forceClose: () => void app.stop(true),
  gracefulApi: "app.stop()",
  forceApi: "app.stop(true)",
});
// With SSE_TLS_CERT and SSE_TLS_KEY: TLS, and HTTP/2 by ALPN (Bun.serve's experimental `http2`,
// oven-sh/bun#40137), passed through by Elysia's listen() to Bun.serve.
const { tlsCert, tlsKey } = sse.config;
const tls = tlsCert && tlsKey ? { tls: { cert: Bun.file(tlsCert), key: Bun.file(tlsKey) }, http2: true } : {};
app.listen({ hostname: sse.config.host, port: sse.config.port, ...tls } as Parameters<typeof app.listen>[0], (server) => sse.listening(server.port!));
