/**
 * `./run-test.sh compare [TARGET]... [--results DIR] [--partial]`: compares the newest run of each
 * target (its run file in runs/; --results results for the published ones) with
 * expectations/<target>.json and prints the differences.
 *
 * Without targets: every target that has an expectations file. Exit 0: no difference; 1: some
 * (regressions, fixes, new or missing checks); 2: a results or expectations file is missing or broken
 * (another schemaVersion, an entry without cause or evidence, a pass listed, an unknown check).
 * A single run on a busy machine can flip a timing check: re-run the check by hand before believing
 * a difference (tests/targets.test.ts does that itself).
 */
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

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { results: { type: "string" }, partial: { type: "boolean" } });
  const { values, positionals } = parsed;
  const targets = positionals.length ? positionals.map(targetName) : expectationTargets();
  const { lines, differences } = compareTargets(targets, values.results ?? RUNS_DIR, values.partial ?? false);
  for (const line of lines) console.log(line);
  return differences === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runCommand(main, {
    name: "run-test.sh compare",
    usage: "usage: ./run-test.sh compare [TARGET]... [--results DIR] [--partial]",
    userErrors: [ExpectationsFileError, SyntaxError],
  });
}
