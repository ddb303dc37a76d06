/**
 * Comparing a run with its target's expectations gives the differences as readable lines. The file
 * lists deviations only (format.ts), so what each check is expected to do is:
 *
 *   - a check with an entry: the entry's status, or any of a flaky entry's statuses;
 *   - a check of the registry with no entry: pass.
 *
 * and the differences are:
 *
 *   - regression: expected pass (or a flaky entry that includes pass), got something else;
 *   - fix: got pass, which was not expected;
 *   - changed: another status than expected, neither of them pass;
 *   - new: the run has a check the registry does not (a run by another version of the suite):
 *     nothing here can say what it should do, so it is shown rather than assumed to pass;
 *   - missing: a check of the registry, or one an entry names, that a full run lacks; a partial
 *     run (--only) lacks checks on purpose and has none missing.
 *
 * An entry naming a check the registry does not have is a problem of the file (validate.ts), found
 * before any run is compared. Expectations change only with evidence: a difference is a finding to
 * look at, never something to overwrite blindly.
 */
import type { CheckResult, Status, TargetResults } from "../model/results.ts";
import { ALL_CHECKS } from "../checks/registry.ts";
import { formatFigure } from "../table/format.ts";
import { expectedStatuses, type Deviation, type ExpectationsFile } from "./format.ts";

// The module's entry: callers import the file's model, reading and validation from here too.
export {
  EXPECTATIONS_DIR,
  ExpectationsFileError,
  expectationsPath,
  expectationTargets,
  expectedStatuses,
  readExpectations,
  SCHEMA_VERSION,
  type Deviation,
  type DeviationStatus,
  type ExpectationsFile,
  type Flaky,
} from "./format.ts";
export { validateExpectations } from "./validate.ts";

export type DifferenceKind = "regression" | "fix" | "changed" | "new" | "missing";

export interface Difference {
  kind: DifferenceKind;
  check: string;
  /** The statuses that would have matched; absent for a check the registry does not have. */
  expected?: Status[];
  actual?: Status;
  /** One readable line: what changed, the figure and message of the run, the reason that was expected. */
  line: string;
}

function observed(result: CheckResult): string {
  const figure = formatFigure(result.figure);
  return `${result.status}${figure ? ` (${figure})` : ""}: ${result.message}`;
}

function expectedText(deviation: Deviation | undefined): string {
  if (!deviation) return "pass";
  if (!deviation.flaky) return `${deviation.status} (${deviation.cause})`;
  const counts = Object.entries(deviation.flaky.statuses).map(([status, count]) => `${status} ${count}`);
  return `${expectedStatuses(deviation).join(" or ")} (flaky: ${counts.join(", ")} of ${deviation.flaky.of}; ${deviation.cause})`;
}

export interface CompareOptions {
  /** The run covered only some checks (--only): checks it lacks are not "missing". */
  partialRun?: boolean;
  /** The suite's check ids: the registry's unless a test gives its own. */
  checks?: readonly string[];
}

export function compareWithExpectations(results: TargetResults, expectations: ExpectationsFile, options: CompareOptions = {}): Difference[] {
  const target = results.run.target;
  const registry = new Set(options.checks ?? ALL_CHECKS.map((c) => c.id));
  const differences: Difference[] = [];
  const seen = new Set<string>();
  for (const result of results.checks) {
    seen.add(result.id);
    const deviation = expectations.checks[result.id];
    if (!deviation && !registry.has(result.id)) {
      differences.push({ kind: "new", check: result.id, actual: result.status, line: `${target}: NEW ${result.id} is not a check of the registry; this run: ${observed(result)}` });
      continue;
    }
    const expected = expectedStatuses(deviation);
    if (expected.includes(result.status)) continue;
    const kind: DifferenceKind = expected.includes("pass") ? "regression" : result.status === "pass" ? "fix" : "changed";
    differences.push({
      kind,
      check: result.id,
      expected,
      actual: result.status,
      line: `${target}: ${kind.toUpperCase()} ${result.id}: expected ${expectedText(deviation)}, got ${observed(result)}`,
    });
  }
  if (!options.partialRun) {
    for (const id of new Set([...registry, ...Object.keys(expectations.checks)])) {
      if (seen.has(id)) continue;
      const expected = expectedStatuses(expectations.checks[id]);
      differences.push({ kind: "missing", check: id, expected, line: `${target}: MISSING ${id} (expected ${expected.join(" or ")}) did not run` });
    }
  }
  return differences;
}

/** What to print: the differences, and a note when the runtime version moved since the expectations. */
export function describeDifferences(results: TargetResults, expectations: ExpectationsFile, differences: Difference[]): string[] {
  const lines = differences.map((d) => d.line);
  if (results.run.runtimeVersion !== expectations.writtenFrom.runtimeVersion) {
    lines.push(
      `${results.run.target}: note: expectations were written from ${results.run.runtime} ${expectations.writtenFrom.runtimeVersion}, this run is ${results.run.runtimeVersion}`,
    );
  }
  return lines;
}
