/**
 * Target `deno-node`: the app on @hono/node-server under Deno's node:http. Deno's ServerResponse emits
 * 'close' on a client disconnect since denoland/deno#28601 (fixing #24324, #26428), which is what
 * @hono/node-server turns into request.signal abort and stream cancel(); before denoland/deno#34026
 * an aborted response could also look finished ('finish' and 'close', #34002). Unlike Deno.serve, this
 * signal comes from @hono/node-server's own AbortController, not Deno's legacy abort (deno#27005), so
 * the stream listens to it as on Node.
 */
import { prepareServer } from "../src/server.ts";
import target from "../targets/deno-node.json" with { type: "json" };
import { serveOnNodeHttp } from "./shared/hono-node-server.ts";

serveOnNodeHttp(prepareServer(target));
