/** Peer `hono-streamsse` on Node: the app (app.ts) through @hono/node-server, as Hono's docs mount it. */
import { serve } from "@hono/node-server";
import { exitOnSignals, HOST, listening, PORT } from "../../surface.ts";
import { createPeerApp } from "./app.ts";

exitOnSignals();
serve({ fetch: createPeerApp().fetch, port: PORT, hostname: HOST }, (info) =>
  listening(info.port, "node", process.version.slice(1), "@hono/node-server, Hono streamSSE (peer)"),
);
