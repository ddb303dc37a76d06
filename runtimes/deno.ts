/** Target `deno`: the app on Deno.serve. */
import { prepareServer } from "../src/server.ts";

const sse = prepareServer({ server: "Deno.serve" });
const server = Deno.serve(
  { hostname: sse.config.host, port: sse.config.port, onListen: ({ port }) => sse.listening(port) },
  sse.app.fetch,
);

sse.shutdownWith({
  // shutdown() stops accepting and waits for in-flight responses, open streams included.
  stopGracefully: () => server.shutdown(),
  // Deno.serve has no API that drops open connections; exiting the process is the forcing step.
  forceClose: () => {},
  gracefulApi: "server.shutdown()",
  forceApi: "process exit",
});
