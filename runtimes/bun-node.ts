/**
 * Target `bun-node`: the app on @hono/node-server under Bun's node:http, the path a Node app takes when
 * it is simply started with `bun`. Bun's node:http has not always emitted ServerResponse 'close' on a
 * client disconnect (oven-sh/bun#14697, #29219; fix attempts #24168, #25271, #27206, #29220 unmerged),
 * and that event is the one @hono/node-server turns into request.signal abort and stream cancel():
 * the disconnect checks measure what this Bun version does. node:http on Bun does not use Bun.serve's
 * idleTimeout (oven-sh/bun#13772), so there is no per-stream timeout to lift.
 */
import { prepareServer } from "../src/server.ts";
import target from "../targets/bun-node.json" with { type: "json" };
import { serveOnNodeHttp } from "./shared/hono-node-server.ts";

serveOnNodeHttp(prepareServer(target));
