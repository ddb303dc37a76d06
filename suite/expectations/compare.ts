/**
 * Expectations: expectations/<target>.json says which status each check has on a target, and why
 * for every one that does not pass (cause + a pointer to the evidence). Comparing a run with them
 * gives its differences as readable lines: regressions, fixes, other status changes, new checks and
 * missing ones. Expectations change only with evidence: a difference is a finding to look at, never
 * something to overwrite blindly.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CheckResult, Status, TargetResults } from "../model/results.ts";
import { ROOT } from "../files/paths.ts";
import { formatFigure } from "../table/format.ts";

export interface Reason {
  /** Why it does not pass, in a sentence. */
  cause: string;
  /** Where the evidence is: the result's field and what it said, a re-run by hand, a measurement. */
  evidence: string;
  upstream?: string[];
}

export interface Expectation {
  status: Status;
  /** Required unless status is "pass". */
  reason?: Reason;
}

export interface ExpectationsFile {
  target: string;
  /** The run the expectations were written from. */
  writtenFrom: { runtimeVersion: string; date: string; suiteCommit: string };
  checks: Record<string, Expectation>;
}

export type DifferenceKind = "regression" | "fix" | "changed" | "new" | "missing";

export interface Difference {
  kind: DifferenceKind;
  check: string;
  expected?: Status;
  actual?: Status;
  /** One readable line: what changed, the figure and message of the run, the reason that was expected. */
  line: string;
}

export const EXPECTATIONS_DIR = join(ROOT, "expectations");

export function expectationsPath(target: string, dir = EXPECTATIONS_DIR): string {
  return join(dir, `${target}.json`);
}

export function readExpectations(target: string, dir = EXPECTATIONS_DIR): ExpectationsFile | undefined {
  const file = expectationsPath(target, dir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as ExpectationsFile;
}

/** Problems of the file itself: a non-pass without cause or evidence, a target that is not its name. */
export function validateExpectations(file: ExpectationsFile, target: string): string[] {
  const problems: string[] = [];
  if (file.target !== target) problems.push(`${target}: the file says target ${JSON.stringify(file.target)}`);
  for (const [id, expectation] of Object.entries(file.checks)) {
    if (!["pass", "fail", "timeout", "error", "skip"].includes(expectation.status)) problems.push(`${target}: ${id}: unknown status ${JSON.stringify(expectation.status)}`);
    if (expectation.status === "pass") continue;
    if (!expectation.reason?.cause?.trim()) problems.push(`${target}: ${id} is expected to ${expectation.status} without a cause`);
    if (!expectation.reason?.evidence?.trim()) problems.push(`${target}: ${id} is expected to ${expectation.status} without an evidence pointer`);
  }
  return problems;
}

function observed(result: CheckResult): string {
  const figure = formatFigure(result.figure);
  return `${result.status}${figure ? ` (${figure})` : ""}: ${result.message}`;
}

function expectedText(expectation: Expectation): string {
  return expectation.reason ? `${expectation.status} (${expectation.reason.cause})` : expectation.status;
}

export interface CompareOptions {
  /** The run covered only some checks (--only): expected checks it lacks are not "missing". */
  partialRun?: boolean;
}

export function compareWithExpectations(results: TargetResults, expectations: ExpectationsFile, options: CompareOptions = {}): Difference[] {
  const target = results.run.target;
  const differences: Difference[] = [];
  const seen = new Set<string>();
  for (const result of results.checks) {
    seen.add(result.id);
    const expectation = expectations.checks[result.id];
    if (!expectation) {
      differences.push({ kind: "new", check: result.id, actual: result.status, line: `${target}: NEW ${result.id} has no expectation; this run: ${observed(result)}` });
      continue;
    }
    if (expectation.status === result.status) continue;
    const kind: DifferenceKind = expectation.status === "pass" ? "regression" : result.status === "pass" ? "fix" : "changed";
    differences.push({
      kind,
      check: result.id,
      expected: expectation.status,
      actual: result.status,
      line: `${target}: ${kind.toUpperCase()} ${result.id}: expected ${expectedText(expectation)}, got ${observed(result)}`,
    });
  }
  if (!options.partialRun) {
    for (const [id, expectation] of Object.entries(expectations.checks)) {
      if (seen.has(id)) continue;
      differences.push({ kind: "missing", check: id, expected: expectation.status, line: `${target}: MISSING ${id} (expected ${expectation.status}) did not run` });
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
