/**
 * Reading and writing run files. A run writes to the scratch folder runs/ (git ignores it), so that
 * a trial run never dirties the checkout; `./run-test.sh publish` copies runs into results/
 * (committed) and builds the table from there. Where each file goes is layout.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import type { TargetResults } from "../model/results.ts";
import { schemaProblem } from "../model/schema.ts";
import { writeVersioned } from "./versioned-json.ts";
import { runPath, type RunFileKind } from "./layout.ts";
import { RUNS_DIR } from "./paths.ts";

export class ResultsMissingError extends Error {
  override name = "ResultsMissingError";
}

/** Where the run of `id` goes: runs/ unless `dir` says otherwise. */
export function runFile(id: string, options: RunFileKind & { dir?: string } = {}): string {
  return runPath(options.dir ?? RUNS_DIR, id, options);
}

/** Writes a run where the layout says (or to `file`); returns the path. */
export function writeRun(results: TargetResults, options: RunFileKind & { dir?: string; file?: string } = {}): string {
  return writeVersioned(options.file ?? runFile(results.run.target, options), "run", results);
}

export function readRun(file: string): TargetResults {
  if (!existsSync(file)) throw new ResultsMissingError(`no results at ${file}: run ./run-test.sh <target> first`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as TargetResults;
  if (!parsed.run?.target || !Array.isArray(parsed.checks)) throw new ResultsMissingError(`${file} is not a results file (no run.target / checks)`);
  const problem = schemaProblem(parsed, "run", file, `./run-test.sh ${parsed.run.target}`);
  if (problem) throw new ResultsMissingError(problem);
  return parsed;
}
