/**
 * `./run-test.sh compare [TARGET]... [--results DIR] [--partial]`: compares the newest run of each
 * target (its run file in runs/; --results results for the published ones) with
 * expectations/<target>.json and prints the differences.
 *
 * Without targets: every target that has both an expectations file and a run (`all` runs only the
 * targets that can run here, so an expectations file without a run is listed on one line, not an
 * error). Exit 0: no difference; 1: some (regressions, fixes, new or missing checks); 2: nothing
 * could be compared, a named target has no run, or an expectations file is broken (another
 * schemaVersion, an entry without cause or evidence, a pass listed, an unknown check).
 * A single run on a busy machine can flip a timing check: re-run the check by hand before believing
 * a difference (tests/targets.test.ts does that itself).
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { compareWithExpectations, describeDifferences, ExpectationsFileError, expectationTargets, readExpectations, validateExpectations } from "../expectations/compare.ts";
import { parseCommandLine, runCommand } from "./cli.ts";
import { targetName } from "../targets/targets.ts";
import { RUNS_DIR } from "../files/paths.ts";
import { readRun, ResultsMissingError, runFile } from "../files/run-files.ts";

export function compareTargets(targets: string[], resultsDir: string, partialRun: boolean): { lines: string[]; differences: number } {
  const lines: string[] = [];
  let differences = 0;
  for (const target of targets) {
    const expectations = readExpectations(target);
    if (!expectations) throw new ResultsMissingError(`no expectations/${target}.json`);
    const problems = validateExpectations(expectations, target);
    if (problems.length) throw new ExpectationsFileError(`expectations/${target}.json: ${problems.join("; ")}`);
    const results = readRun(runFile(target, { dir: resultsDir }));
    const found = compareWithExpectations(results, expectations, { partialRun });
    differences += found.length;
    const described = describeDifferences(results, expectations, found);
    lines.push(...(described.length ? described : [`${target}: as expected (${results.checks.length} checks)`]));
  }
  return { lines, differences };
}

/** Of the targets with expectations, those with a run in `resultsDir` and those without. */
export function targetsWithRuns(resultsDir: string, targets = expectationTargets()): { withRun: string[]; notRun: string[] } {
  const withRun = targets.filter((t) => existsSync(runFile(t, { dir: resultsDir })));
  return { withRun, notRun: targets.filter((t) => !withRun.includes(t)) };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { results: { type: "string" }, partial: { type: "boolean" } });
  const { values, positionals } = parsed;
  const resultsDir = values.results ?? RUNS_DIR;
  let targets = positionals.map(targetName);
  let notRunLine: string | undefined;
  if (!targets.length) {
    const { withRun, notRun } = targetsWithRuns(resultsDir);
    if (!withRun.length) throw new ResultsMissingError(`nothing to compare: no target with expectations has a run in ${resultsDir} (run ./run-test.sh <target> or all first)`);
    targets = withRun;
    if (notRun.length) notRunLine = `not run (expectations, but no run in ${resultsDir}): ${notRun.join(", ")}`;
  }
  const { lines, differences } = compareTargets(targets, resultsDir, values.partial ?? false);
  for (const line of lines) console.log(line);
  if (notRunLine) console.log(notRunLine);
  return differences === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runCommand(main, {
    name: "run-test.sh compare",
    usage: "usage: ./run-test.sh compare [TARGET]... [--results DIR] [--partial]",
    userErrors: [ExpectationsFileError, SyntaxError],
  });
}
