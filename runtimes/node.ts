/** Target `node`: the app on @hono/node-server under Node.js. */
import { prepareServer } from "../src/server.ts";
import target from "../targets/node.json" with { type: "json" };
import { serveOnNodeHttp } from "./shared/hono-node-server.ts";

serveOnNodeHttp(prepareServer(target));
