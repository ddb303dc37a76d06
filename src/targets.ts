/**
 * What each target is, in one place: the runtime that runs its file, the HTTP server and the
 * framework. A runtime file describes itself with its entry (`prepareServer(TARGETS.bun-node)`), the
 * suite (suite/harness/targets.ts) starts it and records the same words in the results. No I/O here:
 * Node, Deno and Bun all import it.
 */

export type TargetRuntime = "node" | "deno" | "bun";
export type Framework = "hono" | "elysia";

export interface TargetInfo {
  runtime: TargetRuntime;
  /** The runtime file, relative to the repository. */
  entry: string;
  /** The HTTP server, e.g. "Bun.serve", "@hono/node-server on Bun's node:http". */
  server: string;
  framework: Framework;
}

export const TARGET_INFO = {
  node: { runtime: "node", entry: "runtimes/node.ts", server: "@hono/node-server", framework: "hono" },
  deno: { runtime: "deno", entry: "runtimes/deno.ts", server: "Deno.serve", framework: "hono" },
  bun: { runtime: "bun", entry: "runtimes/bun.ts", server: "Bun.serve", framework: "hono" },
  "elysia-bun": { runtime: "bun", entry: "runtimes/elysia-bun.ts", server: "Bun.serve (Elysia Bun adapter)", framework: "elysia" },
  "elysia-node": { runtime: "node", entry: "runtimes/elysia-node.ts", server: "srvx node:http (@elysiajs/node)", framework: "elysia" },
  "bun-node": { runtime: "bun", entry: "runtimes/bun-node.ts", server: "@hono/node-server on Bun's node:http", framework: "hono" },
  "deno-node": { runtime: "deno", entry: "runtimes/deno-node.ts", server: "@hono/node-server on Deno's node:http", framework: "hono" },
} as const satisfies Record<string, TargetInfo>;

export type TargetName = keyof typeof TARGET_INFO;
