/**
 * `./run-test.sh diff DIR_A DIR_B [<target>...]`: the statuses that differ between the whole runs of
 * two folders (results/ and runs/, two repeats of `all`, a merged split run and an unsplit one),
 * target by target. Exit 0: the same statuses everywhere; 1: some differ; 2: nothing to compare.
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { isWhole, listRuns, runPath } from "../files/layout.ts";
import { readRun } from "../files/run-files.ts";
import { formatChange, statusChanges } from "../model/status-diff.ts";

const USAGE = "usage: ./run-test.sh diff DIR_A DIR_B [<target>...]";

async function main(argv: string[]): Promise<number> {
  const [a, b, ...targets] = argv;
  if (!a || !b || a.startsWith("-") || b.startsWith("-")) throw new UsageError("expected two folders of runs");
  const callerDir = process.env.SSE_CALLER_DIR ?? process.cwd();
  const [dirA, dirB] = [resolve(callerDir, a), resolve(callerDir, b)];
  for (const dir of [dirA, dirB]) if (!existsSync(dir)) throw new UsageError(`no folder ${dir}`);
  // The same place in both trees: a target's run, or its run at one version.
  const names = targets.length
    ? targets.map((t) => relative(dirA, runPath(dirA, t)))
    : listRuns(dirA).filter(isWhole).map((r) => r.path).filter((path) => existsSync(resolve(dirB, path)));
  if (names.length === 0) throw new UsageError(`no run of the same target in both ${dirA} and ${dirB}`);
  let cells = 0;
  let differ = 0;
  for (const name of names.sort()) {
    const before = readRun(resolve(dirA, name));
    const after = readRun(resolve(dirB, name));
    const changes = statusChanges(before, after);
    cells += new Set([...before.checks, ...after.checks].map((c) => c.id)).size;
    differ += changes.length;
    console.log(`${after.run.target}: ${changes.length ? `${changes.length} differ` : "same statuses"} (${before.run.date} -> ${after.run.date})`);
    for (const change of changes) console.log(`  ${formatChange(change)}`);
  }
  console.log(`${names.length} runs, ${cells} cells compared, ${differ} differ`);
  return differ === 0 ? 0 : 1;
}

runCommand(main, { name: "run-test.sh diff", usage: USAGE });
