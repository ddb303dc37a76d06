/**
 * Where runs go and what their files are called, in one place. A run writes to the scratch folder
 * runs/ (git ignores it), so that a trial run never dirties the checkout; `./run-test.sh publish`
 * copies the newest run of each target into results/ (committed) and builds the table from there.
 *
 *   runs/<target>.json            the newest full run of a target (`bun`, `bun@1.1.26`, `deno+no-legacy-abort`)
 *   runs/<target>.partial.json    the newest subset (--only): never published
 *   runs/<target>.shard-2-of-8.json  one shard of a split run (--shard 2/8): `merge` joins them into <target>.json
 *   runs/matrix-<target>.md|json  the newest version matrix; runs/bisect-<target>@<check>.json, bisect logs
 *   runs/bench.json               the newest benchmark
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TargetResults } from "../model/results.ts";
import { ROOT } from "./paths.ts";

/** Scratch: every run's files. SSE_RUNS_DIR moves it (the project's own tests run in a temporary one). */
export const RUNS_DIR = process.env.SSE_RUNS_DIR ?? join(ROOT, "runs");
/** Published: what `publish` copied from runs/, and the table built from it. */
export const PUBLISHED_DIR = join(ROOT, "results");

export class ResultsMissingError extends Error {
  override name = "ResultsMissingError";
}

export interface RunFileKind {
  /** A subset (--only). */
  partial?: boolean;
  /** One shard of a split run (--shard). */
  shard?: { index: number; total: number };
}

/** The file name of a target's run: `bun@1.1.26.json`, `bun.partial.json` for a subset, `bun.shard-2-of-8.json` for a shard. */
export function runFileName(target: string, kind: RunFileKind | boolean = {}): string {
  const { partial, shard } = typeof kind === "boolean" ? { partial: kind, shard: undefined } : kind;
  const suffix = shard ? `.shard-${shard.index}-of-${shard.total}` : partial ? ".partial" : "";
  return `${target.replace(/[^a-zA-Z0-9@+._-]/g, "_")}${suffix}.json`;
}

/** A shard's file name, parsed: the target's file stem and the shard; null for any other file. */
export function parseShardFileName(name: string): { stem: string; index: number; total: number } | null {
  const match = /^(.+)\.shard-(\d+)-of-(\d+)\.json$/.exec(name);
  return match ? { stem: match[1]!, index: Number(match[2]), total: Number(match[3]) } : null;
}

/** A target's whole run (`bun.json`, `bun@1.1.26.json`): not a subset, a shard, a matrix, a bisect log, the bench or compat.json. */
export function isWholeRunFile(name: string): boolean {
  return name.endsWith(".json") && !name.endsWith(".partial.json") && parseShardFileName(name) === null && !/^(matrix-|bisect-|bench\.json$|compat\.json$)/.test(name);
}

export function runFile(target: string, options: RunFileKind & { dir?: string } = {}): string {
  return join(options.dir ?? RUNS_DIR, runFileName(target, options));
}

/** Writes a run where its name says (or to `file`); returns the path. */
export function writeRun(results: TargetResults, options: RunFileKind & { dir?: string; file?: string } = {}): string {
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
