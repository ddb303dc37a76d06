/**
 * Compares results/<target>.json with expectations/<target>.json and prints the differences.
 *
 *   node suite/commands/compare-expectations.ts [TARGET]... [--results DIR] [--partial]
 *
 * Without targets: every target that has an expectations file. Exit 0: no difference; 1: some
 * (regressions, fixes, new or missing checks); 2: a results or expectations file is missing or broken.
 * A single run on a busy machine can flip a timing check: re-run the check by hand before believing
 * a difference (tests/expectations.test.ts does that itself).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { ROOT } from "../harness/targets.ts";
import { compareWithExpectations, describeDifferences, EXPECTATIONS_DIR, readExpectations, validateExpectations } from "../expectations/compare.ts";
import { readTargetResults, resultsFileName, ResultsMissingError } from "../table/load.ts";

export function compareTargets(targets: string[], resultsDir: string, partialRun: boolean): { lines: string[]; differences: number } {
  const lines: string[] = [];
  let differences = 0;
  for (const target of targets) {
    const expectations = readExpectations(target);
    if (!expectations) throw new ResultsMissingError(`no expectations/${target}.json`);
    const problems = validateExpectations(expectations, target);
    if (problems.length) throw new ResultsMissingError(`expectations/${target}.json: ${problems.join("; ")}`);
    const results = readTargetResults(join(resultsDir, resultsFileName(target)));
    const found = compareWithExpectations(results, expectations, { partialRun });
    differences += found.length;
    const described = describeDifferences(results, expectations, found);
    lines.push(...(described.length ? described : [`${target}: as expected (${results.checks.length} checks)`]));
  }
  return { lines, differences };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { results: { type: "string" }, partial: { type: "boolean" } },
  });
  const targets = positionals.length
    ? positionals
    : existsSync(EXPECTATIONS_DIR)
      ? readdirSync(EXPECTATIONS_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length))
      : [];
  try {
    const { lines, differences } = compareTargets(targets, values.results ?? join(ROOT, "results"), values.partial ?? false);
    for (const line of lines) console.log(line);
    return differences === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ResultsMissingError || error instanceof SyntaxError) {
      console.error(`expectations: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main(process.argv.slice(2)));
