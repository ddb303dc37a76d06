/**
 * Peer `hono-streamsse` on Deno: the app (app.ts) on Deno.serve. Hono's stream helper learns of a
 * disconnect from the response body's cancel() (hono src/utils/stream.ts; the request's signal only
 * on old Bun versions, src/helper/streaming/sse.ts), so Deno's legacy-abort warning does not apply.
 */
import { exitOnSignals, HOST, listening, PORT } from "../../surface.ts";
import { createPeerApp } from "./app.ts";

/** The little of Deno's API used here (the project type-checks with Node's and Bun's types). */
declare const Deno: {
  version: { deno: string };
  serve(options: { hostname: string; port: number; onListen(address: { port: number }): void }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

exitOnSignals();
const app = createPeerApp();
Deno.serve({ hostname: HOST, port: PORT, onListen: ({ port }) => listening(port, "deno", Deno.version.deno, "Deno.serve, Hono streamSSE (peer)") }, app.fetch);
