/**
 * `./run-test.sh merge DIR... [--out DIR]`: joins the shard files (`<target>/run.shard-i-of-n.json`, from
 * `./run-test.sh ... --shard i/n`) found in the folders into one whole run per target, written to
 * runs/ (or --out) as `./run-test.sh publish` expects them. Exit 0: every target merged; 2: shards
 * missing or inconsistent (nothing is written then).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { checksOption, parseCommandLine, runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { listRuns } from "../files/layout.ts";
import { readRun, writeRun } from "../files/run-files.ts";
import { RUNS_DIR } from "../files/paths.ts";
import type { TargetResults } from "../model/results.ts";
import { mergeShards, ShardMergeError } from "../shards/merge.ts";

const USAGE = "usage: ./run-test.sh merge DIR... [--out DIR]   (the folders hold <target>/run.shard-i-of-n.json files)";

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { out: { type: "string" } });
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError("expected at least one folder of shard files");
  const callerDir = process.env.SSE_CALLER_DIR ?? process.cwd();
  const byTarget = new Map<string, TargetResults[]>();
  for (const dir of positionals.map((d) => resolve(callerDir, d))) {
    if (!existsSync(dir)) throw new UsageError(`no folder ${dir}`);
    for (const shard of listRuns(dir).filter((r) => r.shard)) {
      const piece = readRun(shard.file);
      byTarget.set(piece.run.target, [...(byTarget.get(piece.run.target) ?? []), piece]);
    }
  }
  if (byTarget.size === 0) throw new UsageError(`no shard files (<target>/run.shard-i-of-n.json) in ${positionals.join(", ")}`);
  // Everything is checked before anything is written.
  const merged = [...byTarget].map(([target, pieces]) => ({ target, pieces: pieces.length, ...mergeShards(target, pieces) }));
  const whole = checksOption(undefined).map((c) => c.id).join("\n");
  const out = values.out ? resolve(callerDir, values.out) : RUNS_DIR;
  for (const { target, pieces, results, commits } of merged) {
    const partial = results.checks.map((c) => c.id).join("\n") !== whole;
    const file = writeRun(results, { dir: out, partial });
    const hosts = [...new Set(results.run.shards!.map((s) => s.hostname))];
    console.log(`${target}: ${results.checks.length} checks from ${pieces} shards on ${hosts.join(", ")}${partial ? " (a subset: written as partial)" : ""} -> ${file}`);
    if (commits.length) console.log(`  warning: the shards ran different suite commits (${commits.join(", ")}); each check keeps its own in ranOn`);
  }
  console.log(`merged ${merged.length} targets; publish the table from them with SSE_RUNS_DIR=${out} ./run-test.sh publish`);
  return 0;
}

runCommand(main, { name: "run-test.sh merge", usage: USAGE, userErrors: [ShardMergeError] });
