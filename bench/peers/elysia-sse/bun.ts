/**
 * Peer `elysia-sse` on Bun: the app (app.ts) with Elysia's Bun adapter. `idleTimeout: 0`, as the
 * ceiling: Elysia's listen() sets 30 s and Bun closes a connection quiet that long, idle streams
 * included (oven-sh/bun#27479).
 */
import { exitOnSignals, HOST, listening, PORT } from "../../surface.ts";
import { createPeerApp } from "./app.ts";

exitOnSignals();
createPeerApp().listen({ hostname: HOST, port: PORT, idleTimeout: 0 }, (server) => listening(server.port!, "bun", Bun.version, "Bun.serve, Elysia sse() (peer)"));
