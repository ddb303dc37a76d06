/**
 * One run of some checks on one target at one runtime version, written where `./run-test.sh
 * <target>@<version>` writes it: runs/<target>@<version>.json for every check, .partial.json for
 * a subset. The matrix and bisect commands run versions one after another through this (2 cores).
 */
import type { Check } from "../harness/check.ts";
import type { CheckResult, TargetResults } from "../model/results.ts";
import { runFile, writeRun } from "../files/run-files.ts";
import { runTarget } from "../harness/runner.ts";
import { resolveTarget, targetSpecs } from "../targets/targets.ts";
import { UnknownTargetError, type RuntimeName } from "../targets/runtime-versions.ts";

export interface VersionRun {
  version: string;
  file: string;
  results: TargetResults;
}

/** The runtime a target runs on (`bun-node` → bun), or a usage error naming the targets. */
export function runtimeOfTarget(target: string): RuntimeName {
  if (target.includes("@")) throw new UnknownTargetError(`give the target without a version (${target.split("@")[0]}), and the versions apart`);
  const spec = targetSpecs()[target];
  if (!spec) throw new UnknownTargetError(`unknown target ${JSON.stringify(target)}; known: ${Object.keys(targetSpecs()).join(", ")}`);
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
