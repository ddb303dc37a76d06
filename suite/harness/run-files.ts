/**
 * Where runs go and what their files are called, in one place. A run writes to the scratch folder
 * runs/ (git ignores it), so that a trial run never dirties the checkout; `./run-test.sh publish`
 * copies the newest run of each target into results/ (committed) and builds the table from there.
 *
 *   runs/<target>.json            the newest full run of a target (`bun`, `bun@1.1.26`, `deno+no-legacy-abort`)
 *   runs/<target>.partial.json    the newest subset (--only): never published
 *   runs/matrix-<target>.md|json  the newest version matrix; runs/bisect-<target>@<check>.json, bisect logs
 *   runs/bench.json               the newest benchmark
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TargetResults } from "./runner.ts";
import { ROOT } from "./runtime-versions.ts";

/** Scratch: every run's files. SSE_RUNS_DIR moves it (the project's own tests run in a temporary one). */
export const RUNS_DIR = process.env.SSE_RUNS_DIR ?? join(ROOT, "runs");
/** Published: what `publish` copied from runs/, and the table built from it. */
export const PUBLISHED_DIR = join(ROOT, "results");

export class ResultsMissingError extends Error {
  override name = "ResultsMissingError";
}

/** The file name of a target's run: `bun@1.1.26.json`, `bun.partial.json` for a subset. */
export function runFileName(target: string, partial = false): string {
  return `${target.replace(/[^a-zA-Z0-9@+._-]/g, "_")}${partial ? ".partial" : ""}.json`;
}

export function runFile(target: string, options: { partial?: boolean; dir?: string } = {}): string {
  return join(options.dir ?? RUNS_DIR, runFileName(target, options.partial));
}

/** Writes a run where its name says (or to `file`); returns the path. */
export function writeRun(results: TargetResults, options: { partial?: boolean; dir?: string; file?: string } = {}): string {
  const file = options.file ?? runFile(results.run.target, options);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  return file;
}

export function readRun(file: string): TargetResults {
  if (!existsSync(file)) throw new ResultsMissingError(`no results at ${file}: run ./run-test.sh <target> first`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as TargetResults;
  if (!parsed.run?.target || !Array.isArray(parsed.checks)) throw new ResultsMissingError(`${file} is not a results file (no run.target / checks)`);
  return parsed;
}
