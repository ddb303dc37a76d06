/**
 * Peer `hono-streamsse` on Bun: the app (app.ts) on Bun.serve. `idleTimeout: 0`, as the ceiling: Bun
 * closes a connection quiet for 10 s by default (oven-sh/bun#27479), idle streams included.
 */
import { exitOnSignals, HOST, listening, PORT } from "../../surface.ts";
import { createPeerApp } from "./app.ts";

exitOnSignals();
const server = Bun.serve({ hostname: HOST, port: PORT, idleTimeout: 0, fetch: createPeerApp().fetch });
listening(server.port!, "bun", Bun.version, "Bun.serve, Hono streamSSE (peer)");
