/**
 * Target files: what runs a server under test, declared in JSON beside the server's code. The built-in
 * targets are such files too (targets/*.json: one mechanism, not two); a user's file may live
 * anywhere. A file declares either
 *
 *   - a runtime target: `runtime` (node, deno or bun) and `entry`, the file the runtime runs; the suite
 *     builds the command (the pinned binary, or another version: `bun@1.1.26`), or
 *   - a command target: `command`, run as it is (no shell) in `cwd`, or
 *   - an already running server: `url` (the suite starts nothing), or
 *   - `unavailable`: a server that cannot be installed here, with the reason (its column says so).
 *
 * Paths (`entry`, `cwd`) are relative to the target file's directory. See docs/contract.md for `offers`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CAPABILITIES, isCapability, type Capability } from "../model/capabilities.ts";
import { ROOT } from "../files/paths.ts";
import { UnknownTargetError } from "./runtime-versions.ts";

/** The tables a column can belong to: the runtimes', the seed's servers', or a user's own. */
export type TableName = "runtimes" | "seed" | "yours";

export interface TargetFile {
  /** The target's name: its column, its results file, its expectations. */
  name: string;
  table: TableName;
  /** Position among its table's columns. */
  column?: number;
  /** node, deno or bun for a runtime target; any word (python, go) for the others. */
  runtime: string;
  /** The HTTP server and framework, as the table shows them. */
  server: string;
  framework: string;
  entry?: string;
  command?: string[];
  url?: string;
  unavailable?: string;
  /** Absolute. */
  cwd: string;
  env: Record<string, string>;
  /** `record`: the `listening` record announces the port; `port`: the suite polls it (PORT is set to a free one unless `port` is fixed). */
  ready: "record" | "port";
  port?: number;
  /** The stream's path, when the file gives it (default `/events`, or a `url`'s own path). */
  events?: string;
  offers: Capability[];
  /** A command that prints the server's version (its first line), for the column's header. */
  serverVersion?: string[];
  /** The interval of the server's own events, ms: a black box's flush and concurrency checks need it. */
  cadenceMs?: number;
  /** Debian packages the server needs; without them its checks skip with the install command. */
  debianPackages?: string[];
  /** The file it came from. */
  file: string;
}

export const TARGETS_DIR = join(ROOT, "targets");

const KNOWN_FIELDS = new Set(["$comment", "name", "table", "column", "runtime", "server", "framework", "entry", "command", "url", "unavailable", "cwd", "env", "ready", "port", "events", "offers", "serverVersion", "debianPackages", "cadenceMs"]);

/** Reads and validates a target file; every mistake is named with the file and field. */
export function readTargetFile(path: string): TargetFile {
  const file = resolve(path);
  if (!existsSync(file)) throw new UnknownTargetError(`no target file at ${file}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UnknownTargetError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const bad = (field: string, why: string) => new UnknownTargetError(`${file}: "${field}" ${why}`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UnknownTargetError(`${file}: a target file is a JSON object`);
  const unknown = Object.keys(raw).filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length) throw bad(unknown[0]!, `is not a target field (known: ${[...KNOWN_FIELDS].filter((k) => k !== "$comment").join(", ")})`);
  const string = (field: string, fallback?: string): string => {
    const value = raw[field] ?? fallback;
    if (typeof value !== "string" || value === "") throw bad(field, "must be a non-empty string");
    return value;
  };
  const strings = (field: string): string[] | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string")) throw bad(field, "must be a non-empty array of strings");
    return value as string[];
  };
  const dir = dirname(file);
  const name = string("name");
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name) || name.includes("..")) throw bad("name", "may hold only letters, digits, '.', '_' and '-'");
  const kinds = ["entry", "command", "url", "unavailable"].filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) throw new UnknownTargetError(`${file}: give exactly one of "entry" (with "runtime"), "command", "url" or "unavailable" (found ${kinds.length ? kinds.join(", ") : "none"})`);
  const table = string("table", "yours");
  if (!["runtimes", "seed", "yours"].includes(table)) throw bad("table", "must be runtimes, seed or yours");
  const offers = strings("offers") ?? [];
  const unknownCapability = offers.find((c) => !isCapability(c));
  if (unknownCapability) throw bad("offers", `names ${JSON.stringify(unknownCapability)}, not a capability (known: ${Object.keys(CAPABILITIES).join(", ")})`);
  const env = raw.env ?? {};
  if (typeof env !== "object" || env === null || Array.isArray(env) || !Object.values(env).every((v) => typeof v === "string")) throw bad("env", "must map names to strings");
  const ready = string("ready", "record");
  if (ready !== "record" && ready !== "port") throw bad("ready", 'must be "record" (the listening record) or "port" (poll the port)');
  if (ready === "record" && !offers.includes("records") && raw.url === undefined && raw.unavailable === undefined) {
    throw bad("ready", 'is "record", but the target does not offer "records": say "ready": "port"');
  }
  const port = raw.port;
  if (port !== undefined && (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)) throw bad("port", "must be a port number");
  const events = raw.events === undefined ? undefined : string("events");
  if (events !== undefined && !events.startsWith("/")) throw bad("events", "must be a path starting with /");
  const column = raw.column;
  if (column !== undefined && !Number.isInteger(column)) throw bad("column", "must be an integer");
  if (raw.entry !== undefined && !["node", "deno", "bun"].includes(String(raw.runtime))) throw bad("runtime", "must be node, deno or bun for a target with an entry");
  if (raw.url !== undefined) {
    const url = string("url");
    if (!/^http:\/\//.test(url)) throw bad("url", "must be an http:// URL");
    // The suite neither starts nor reads a server it did not start: it can only be a black box.
    if (offers.length) throw bad("offers", "cannot be given with \"url\": a server the suite did not start is a black box");
  }
  if (raw.port !== undefined && ready === "record") throw bad("port", 'is used only with "ready": "port" (a `listening` record names its own port)');
  const entry = raw.entry === undefined ? undefined : resolve(dir, string("entry"));
  if (entry && !existsSync(entry)) throw bad("entry", `names ${entry}, which does not exist`);
  const cwd = resolve(dir, string("cwd", "."));
  if (!existsSync(cwd)) throw bad("cwd", `names ${cwd}, which does not exist`);
  const command = strings("command");
  const serverVersion = strings("serverVersion");
  const debianPackages = strings("debianPackages");
  const cadenceMs = raw.cadenceMs;
  if (cadenceMs !== undefined && (typeof cadenceMs !== "number" || !Number.isInteger(cadenceMs) || cadenceMs < 10 || cadenceMs > 60_000)) {
    throw bad("cadenceMs", "must be the interval of the server's own events in ms, 10 to 60000");
  }
  return {
    name,
    table: table as TableName,
    ...(column !== undefined ? { column: column as number } : {}),
    runtime: string("runtime", "unknown"),
    server: string("server", name),
    framework: string("framework", "unknown"),
    ...(entry ? { entry } : {}),
    ...(command ? { command } : {}),
    ...(raw.url !== undefined ? { url: string("url") } : {}),
    ...(raw.unavailable !== undefined ? { unavailable: string("unavailable") } : {}),
    cwd,
    env: env as Record<string, string>,
    ready,
    ...(port !== undefined ? { port: port as number } : {}),
    ...(events !== undefined ? { events } : {}),
    offers: offers as Capability[],
    ...(serverVersion ? { serverVersion } : {}),
    ...(debianPackages ? { debianPackages } : {}),
    ...(cadenceMs !== undefined ? { cadenceMs: cadenceMs as number } : {}),
    file,
  };
}

const TABLE_ORDER: TableName[] = ["runtimes", "seed", "yours"];

let builtIn: readonly TargetFile[] | undefined;

/** The built-in targets (targets/*.json), in table order: the runtimes', then the seed's servers. Read on first use, not at import. */
export function builtInTargets(): readonly TargetFile[] {
  return (builtIn ??= readdirSync(TARGETS_DIR)
      .filter((f) => f.endsWith(".json"))
      .map((f) => readTargetFile(join(TARGETS_DIR, f)))
      .sort((a, b) => TABLE_ORDER.indexOf(a.table) - TABLE_ORDER.indexOf(b.table) || (a.column ?? 99) - (b.column ?? 99) || a.name.localeCompare(b.name)));
}

export function builtInTarget(name: string): TargetFile | undefined {
  return builtInTargets().find((t) => t.name === name);
}
