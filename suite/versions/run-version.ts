/**
 * One run of some checks on one target at one runtime version, written where `./run-test.sh
 * <target>@<version>` writes it: results/<target>@<version>.json for every check, .partial.json for
 * a subset. The matrix and bisect commands run versions one after another through this (2 cores).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Check, CheckResult } from "../harness/check.ts";
import { runChecks, runInfo, type TargetResults } from "../harness/runner.ts";
import { resolveTarget, ROOT, TARGETS, UnknownTargetError, type RuntimeName } from "../harness/targets.ts";
import { formatFigure } from "../table/format.ts";

export interface VersionRun {
  version: string;
  file: string;
  results: TargetResults;
}

/** The runtime a target runs on (`bun-node` → bun), or a usage error naming the targets. */
export function runtimeOfTarget(target: string): RuntimeName {
  if (target.includes("@")) throw new UnknownTargetError(`give the target without a version (${target.split("@")[0]}), and the versions apart`);
  const spec = TARGETS[target];
  if (!spec) throw new UnknownTargetError(`unknown target ${JSON.stringify(target)}; known: ${Object.keys(TARGETS).join(", ")}`);
  return spec.runtime;
}

export function resultsFile(target: string, version: string, partial: boolean, resultsDir = join(ROOT, "results")): string {
  return join(resultsDir, `${target}@${version}${partial ? ".partial" : ""}.json`);
}

/** One line per result, as suite/commands/run.ts prints them. */
export function describeResult(result: CheckResult): string {
  const figure = formatFigure(result.figure);
  return `${result.status.padEnd(8)}${result.id.padEnd(32)}${figure.padEnd(34)}(${(result.durationMs / 1000).toFixed(1)} s)`;
}

export async function runVersion(
  target: string,
  version: string,
  checks: Check[],
  options: { partial: boolean; concurrency: number; onResult?: (result: CheckResult) => void; write?: boolean },
): Promise<VersionRun> {
  // Installs the version on first use (npm's progress on stderr); refuses one below the runtime's floor.
  const resolved = resolveTarget(`${target}@${version}`);
  const run = runInfo(resolved, options.concurrency);
  const startedAt = performance.now();
  const checksRun = await runChecks(resolved, checks, { concurrency: options.concurrency, ...(options.onResult ? { onResult: options.onResult } : {}) });
  const results: TargetResults = { run, wallMs: Math.round(performance.now() - startedAt), checks: checksRun };
  const file = resultsFile(target, resolved.runtimeVersion ?? version, options.partial);
  if (options.write !== false) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  }
  return { version: resolved.runtimeVersion ?? version, file, results };
}
