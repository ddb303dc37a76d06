/**
 * Runs a set of checks against one target: exclusive checks alone, the others a few at a time, and
 * assembles the result file with the run information.
 */
import { execFileSync } from "node:child_process";
import { arch, platform, release } from "node:os";
import { runCheck, type Check } from "./check.ts";
import { SCRUBBED_ENV } from "./server-process.ts";
import { machineInfo } from "./machine.ts";
import type { CheckResult, RunInfo, TargetResults } from "../model/results.ts";
import { missingDebianPackages, missingPackagesReason } from "../targets/debian-packages.ts";
import { signalDispositions } from "./signal-dispositions.ts";
import { basename, relative } from "node:path";
import { libraryVersions, type Target } from "../targets/targets.ts";
import { ROOT } from "../files/paths.ts";

/**
 * Checks run side by side, four at a time (the exclusive ones alone, the ones that only wait beside
 * the four). Six at once made two of the seed's timing checks fail (gunicorn-gevent sigint.idle,
 * 1.4 s to exit; Paste browser.eventsource[webkit], 1.4 s to drop), which pass at four: measured
 * 2026-12-01.
 */
export const DEFAULT_CONCURRENCY = 4;

export function runtimeVersion(target: Target): string {
  // Only a known runtime's binary is asked: a user's `./start.sh --version` might start the server.
  if (target.command.length === 0 || !/^(node|deno|bun|bun\.exe|python3?(\.\d+)?)$/.test(basename(target.command[0]!))) return "unknown";
  try {
    // `node --version`, `bun --version`, `deno --version`, `python3 --version` ("Python 3.11.2").
    const out = execFileSync(target.command[0]!, ["--version"], { cwd: target.cwd, encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] });
    return out.split("\n")[0]!.replace(/^v/, "").replace(/^(deno|Python) /, "").replace(/ \(.*$/, "").trim();
  } catch {
    return "unknown";
  }
}

/** The first line the target file's `serverVersion` command prints, or undefined. */
function serverVersion(target: Target): string | undefined {
  if (!target.serverVersion) return undefined;
  try {
    const [program, ...args] = target.serverVersion;
    return execFileSync(program!, args, { cwd: target.cwd, encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0]!.trim() || "unknown";
  } catch {
    return "unknown";
  }
}

export function suiteCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    // What the suite itself writes (the published table and results) does not make the suite dirty.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":!COMPATIBILITY.md", ":!results"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return "unknown";
  }
}

export function runInfo(target: Target, concurrency: number): RunInfo {
  return {
    date: new Date().toISOString(),
    target: target.id,
    machine: machineInfo(),
    os: `${platform()} ${release()}`,
    arch: arch(),
    runtime: target.runtime,
    runtimeVersion: runtimeVersion(target),
    server: target.server,
    framework: target.framework,
    runtimeFlags: target.runtimeFlags,
    ...(target.serverVersion ? { serverVersion: serverVersion(target) } : {}),
    table: target.table,
    offers: [...target.offers],
    ...(target.file ? { targetFile: target.file.startsWith(ROOT + "/") ? relative(ROOT, target.file) : target.file } : {}),
    libraries: libraryVersions(),
    suiteCommit: suiteCommit(),
    harnessNode: process.version,
    environment: {
      scrubbedForServers: Object.keys(process.env).filter((k) => SCRUBBED_ENV.test(k)),
      ci: Boolean(process.env.CI),
      concurrency,
      harnessSignals: signalDispositions(process.pid) ?? null,
    },
  };
}

/**
 * The one way a run is made: the run information, then every check, timed as a whole. Every command
 * (run, matrix, bisect) and the targets' tier (tests/targets.test.ts) go through it, and write what it returns with
 * writeRun (run-files.ts).
 */
export async function runTarget(
  target: Target,
  checks: readonly Check[],
  options: { concurrency?: number; onResult?: (result: CheckResult) => void } = {},
): Promise<TargetResults> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const startedAt = performance.now();
  const missing = missingDebianPackages(target.debianPackages ?? []);
  if (missing.length) {
    const reason = missingPackagesReason(missing);
    const results = checks.map((check) => ({ id: check.id, status: "skip" as const, message: reason, evidence: { missingDebianPackages: missing }, durationMs: 0 }));
    results.forEach((result) => options.onResult?.(result));
    return { run: { ...runInfo(target, concurrency), serverVersion: "not installed" }, wallMs: Math.round(performance.now() - startedAt), checks: results };
  }
  const run = runInfo(target, concurrency);
  // One browser per engine serves every run of the process (launches are not cheap: Firefox's took
  // about 4.5 s here, each target's runs launched all three again); whoever runs them ends them
  // (closeAllEngines), at a command's end or a test file's.
  const results = await runChecks(target, checks, { concurrency, ...(options.onResult ? { onResult: options.onResult } : {}) });
  return { run, wallMs: Math.round(performance.now() - startedAt), checks: results };
}

/** Runs `checks` against `target`; `onResult` sees each result as it completes. */
export async function runChecks(
  target: Target,
  checks: readonly Check[],
  options: { concurrency?: number; onResult?: (result: CheckResult) => void } = {},
): Promise<CheckResult[]> {
  // A server on a fixed port can run only once at a time: its checks go one after the other.
  const concurrency = target.port !== undefined && target.command.length > 0 ? 1 : (options.concurrency ?? DEFAULT_CONCURRENCY);
  const results = new Map<string, CheckResult>();
  const record = (result: CheckResult) => {
    results.set(result.id, result);
    options.onResult?.(result);
  };
  // Exclusive checks first, one at a time, on a quiet machine.
  for (const check of checks.filter((c) => c.exclusive)) record(await runCheck(check, target));
  // Then the rest, `concurrency` at a time, the longest first; the checks that only wait run beside
  // them from the start (one at a time only where the server itself runs once at a time).
  const beside = concurrency > 1 ? checks.filter((c) => !c.exclusive && c.waits) : [];
  const queue = checks.filter((c) => !c.exclusive && !beside.includes(c)).sort((a, b) => b.timeoutMs - a.timeoutMs);
  const waiting = beside.map(async (check) => record(await runCheck(check, target)));
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let check = queue.shift(); check; check = queue.shift()) record(await runCheck(check, target));
  });
  await Promise.all([...waiting, ...workers]);
  return checks.map((c) => results.get(c.id)!);
}
