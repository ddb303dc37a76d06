/**
 * One run of some checks on one target at one runtime version, written where `./run-test.sh
 * <target>@<version>` writes it: runs/<target>@<version>.json for every check, .partial.json for
 * a subset. The matrix and bisect commands run versions one after another through this (2 cores).
 */
import type { Check, CheckResult } from "../harness/check.ts";
import { runFile, writeRun } from "../harness/run-files.ts";
import { runTarget, type TargetResults } from "../harness/runner.ts";
import { resolveTarget, TARGETS, UnknownTargetError, type RuntimeName } from "../harness/targets.ts";

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

export async function runVersion(
  target: string,
  version: string,
  checks: Check[],
  options: { partial: boolean; concurrency: number; onResult?: (result: CheckResult) => void; write?: boolean },
): Promise<VersionRun> {
  // Installs the version on first use (npm's progress on stderr); refuses one below the runtime's floor.
  const resolved = resolveTarget(`${target}@${version}`);
  const results = await runTarget(resolved, checks, { concurrency: options.concurrency, ...(options.onResult ? { onResult: options.onResult } : {}) });
  const file = runFile(`${target}@${resolved.runtimeVersion ?? version}`, { partial: options.partial });
  if (options.write !== false) writeRun(results, { partial: options.partial, file });
  return { version: resolved.runtimeVersion ?? version, file, results };
}
