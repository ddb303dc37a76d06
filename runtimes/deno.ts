/** Target `deno`: the app on Deno.serve. */
import { prepareServer } from "../src/server.ts";
import target from "../targets/deno.json" with { type: "json" };

const sse = prepareServer({
  ...target,
  // Reading request.signal at all makes Deno (legacy abort, the default up to at least 2.9.6) print a
  // deprecation warning on stderr, and the signal also aborts after a normal end of the response:
  // denoland/deno#27005, #34397. Deno calls the stream's cancel() on disconnect, so our streams rely
  // on that alone; `--unstable-no-legacy-abort` (denoland/deno#28371) would fix the signal instead.
  requestSignal: false,
});
// With SSE_TLS_CERT and SSE_TLS_KEY, Deno.serve speaks TLS and offers HTTP/2 by ALPN.
const { tlsCert, tlsKey } = sse.config;
const tls = tlsCert && tlsKey ? { cert: Deno.readTextFileSync(tlsCert), key: Deno.readTextFileSync(tlsKey) } : {};
// Aborting the serve signal is Deno.serve's non-graceful shutdown (ext/http/00_serve.ts, since
// denoland/deno#20387, Deno 1.37): the forcing step. After shutdown() it cancels nothing and throws
// BadResource from its listener (shutdown() took the server's resource: measured on 2.9.6 by
// stop.deadline-force), so the exit that follows it is what really ends a stream left open.
const force = new AbortController();
const server = Deno.serve(
  { hostname: sse.config.host, port: sse.config.port, onListen: ({ port }) => sse.listening(port), signal: force.signal, ...tls },
  sse.app.fetch,
);

sse.shutdownWith({
  // shutdown() stops accepting and waits for in-flight responses, open streams included.
  stopGracefully: () => server.shutdown(),
  forceClose: () => force.abort(),
  gracefulApi: "server.shutdown()",
  forceApi: "the serve signal's abort()",
});
