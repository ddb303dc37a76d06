/**
 * SSE_NODE_TIMEOUTS_MS on a node:http server: `requestTimeout`, `headersTimeout` and
 * `keepAliveTimeout` set to it, as apps that tighten them against slow clients do. Node applies
 * `requestTimeout` to receiving the request only; Deno's node:http applied it to the whole response
 * until denoland/deno#35291 (idle.server-timeouts observes it).
 */
import type { Server } from "node:http";

export function setNodeTimeouts(server: Server, ms: number): void {
  if (ms <= 0) return;
  server.requestTimeout = ms;
  server.headersTimeout = ms;
  server.keepAliveTimeout = ms;
}
