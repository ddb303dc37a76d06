/** Reads target result files (results/<target>.json as suite/commands/run.ts writes them). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TargetResults } from "../harness/runner.ts";

export class ResultsMissingError extends Error {
  override name = "ResultsMissingError";
}

/** The file name suite/commands/run.ts gives a target's results. */
export function resultsFileName(target: string): string {
  return `${target.replace(/[^a-zA-Z0-9@._-]/g, "_")}.json`;
}

export function readTargetResults(file: string): TargetResults {
  if (!existsSync(file)) throw new ResultsMissingError(`no results at ${file}: run ./run-test.sh <target> first`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as TargetResults;
  if (!parsed.run?.target || !Array.isArray(parsed.checks)) throw new ResultsMissingError(`${file} is not a results file (no run.target / checks)`);
  return parsed;
}

export function loadTargets(resultsDir: string, targets: string[]): TargetResults[] {
  return targets.map((target) => readTargetResults(join(resultsDir, resultsFileName(target))));
}
