/**
 * Runs a set of checks against one target: exclusive checks alone, the others a few at a time, and
 * assembles the result file with the run information.
 */
import { execFileSync } from "node:child_process";
import { arch, platform, release } from "node:os";
import { runCheck, type Check, type CheckResult } from "./check.ts";
import { SCRUBBED_ENV } from "./server-process.ts";
import { closeAllEngines } from "./browsers/engine.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";
import { libraryVersions, ROOT, type Target } from "./targets.ts";

export interface RunInfo {
  date: string;
  target: string;
  machine: MachineInfo;
  os: string;
  arch: string;
  runtime: string;
  runtimeVersion: string;
  server: string;
  framework: string;
  /** Runtime flags the target ran with (`deno+no-legacy-abort`); empty for none. */
  runtimeFlags: string[];
  libraries: Record<string, string>;
  suiteCommit: string;
  harnessNode: string;
  environment: { scrubbedForServers: string[]; ci: boolean; concurrency: number };
}

export interface TargetResults {
  run: RunInfo;
  wallMs: number;
  checks: CheckResult[];
}

export function runtimeVersion(target: Target): string {
  try {
    const out = execFileSync(target.command[0]!, ["--version"], { encoding: "utf8", timeout: 10_000 });
    return out.split("\n")[0]!.replace(/^v/, "").replace(/^deno /, "").replace(/ \(.*$/, "").trim();
  } catch {
    return "unknown";
  }
}

function suiteCommit(): string {
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
    libraries: libraryVersions(),
    suiteCommit: suiteCommit(),
    harnessNode: process.version,
    environment: {
      scrubbedForServers: Object.keys(process.env).filter((k) => SCRUBBED_ENV.test(k)),
      ci: Boolean(process.env.CI),
      concurrency,
    },
  };
}

/**
 * The one way a run is made: the run information, then every check, timed as a whole. Every command
 * (run, matrix, bisect) and the expectations test go through it, and write what it returns with
 * writeRun (run-files.ts).
 */
export async function runTarget(
  target: Target,
  checks: readonly Check[],
  options: { concurrency?: number; onResult?: (result: CheckResult) => void } = {},
): Promise<TargetResults> {
  const concurrency = options.concurrency ?? 4;
  const run = runInfo(target, concurrency);
  const startedAt = performance.now();
  try {
    const results = await runChecks(target, checks, { concurrency, ...(options.onResult ? { onResult: options.onResult } : {}) });
    return { run, wallMs: Math.round(performance.now() - startedAt), checks: results };
  } finally {
    // One browser per engine served the run's checks; the run ends them.
    await closeAllEngines();
  }
}

/** Runs `checks` against `target`; `onResult` sees each result as it completes. */
export async function runChecks(
  target: Target,
  checks: readonly Check[],
  options: { concurrency?: number; onResult?: (result: CheckResult) => void } = {},
): Promise<CheckResult[]> {
  const concurrency = options.concurrency ?? 4;
  const results = new Map<string, CheckResult>();
  const record = (result: CheckResult) => {
    results.set(result.id, result);
    options.onResult?.(result);
  };
  // Exclusive checks first, one at a time, on a quiet machine.
  for (const check of checks.filter((c) => c.exclusive)) record(await runCheck(check, target));
  const queue = checks.filter((c) => !c.exclusive).sort((a, b) => b.timeoutMs - a.timeoutMs);
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let check = queue.shift(); check; check = queue.shift()) record(await runCheck(check, target));
  });
  await Promise.all(workers);
  return checks.map((c) => results.get(c.id)!);
}
