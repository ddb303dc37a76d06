/** Target `node`: the app on @hono/node-server under Node.js. */
import { prepareServer } from "../src/server.ts";
import { TARGET_INFO } from "../src/targets.ts";
import { serveOnNodeHttp } from "./shared/hono-node-server.ts";

serveOnNodeHttp(prepareServer(TARGET_INFO.node));
