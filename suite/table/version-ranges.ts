/**
 * Version ranges in the published table: from results/matrix-<target>.json (`./run-test.sh matrix`
 * and `bisect`), the checks whose status changes at an exact boundary between two adjacent published
 * versions. Only exact boundaries are published beside the table; the matrix files keep the rest
 * (`≤` ranges with untested versions between).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CompatFile, SupportStatement } from "./compat-json.ts";

interface MatrixCheck {
  __compat: { support: Record<string, SupportStatement | SupportStatement[]> };
  ranges: { summary: string; boundaries: { before: string; after: string; from: string; to: string; exact: boolean }[] };
}

export interface MatrixFile {
  target: string;
  runtime: string;
  versions: string[];
  checks: Record<string, MatrixCheck>;
}

export interface ExactRange {
  target: string;
  check: string;
  summary: string;
  boundaries: string[];
  support: SupportStatement | SupportStatement[];
  file: string;
}

export function readMatrices(resultsDir: string, targets: string[]): MatrixFile[] {
  return targets
    .map((target) => join(resultsDir, `matrix-${target}.json`))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, "utf8")) as MatrixFile);
}

/** Checks with at least one exact boundary, per target. */
export function exactRanges(matrices: MatrixFile[]): ExactRange[] {
  return matrices.flatMap((matrix) =>
    Object.entries(matrix.checks)
      .filter(([, check]) => check.ranges.boundaries.some((b) => b.exact))
      .map(([id, check]) => ({
        target: matrix.target,
        check: id,
        summary: check.ranges.summary,
        boundaries: check.ranges.boundaries.filter((b) => b.exact).map((b) => `${b.from} on ${b.before} → ${b.to} on ${b.after}`),
        support: Object.values(check.__compat.support)[0]!,
        file: `results/matrix-${matrix.target}.md`,
      })),
  );
}

/**
 * compat.json: where an exact range is known and the pinned version's statement agrees (passes where
 * the range says it passes), the range's statement (first version, removal) replaces "the version
 * tested", with a note naming where it comes from.
 */
export function mergeRanges(compat: CompatFile, ranges: ExactRange[]): void {
  for (const range of ranges) {
    const current = compat.checks[range.check]?.__compat.support[range.target];
    if (!current || Array.isArray(current) || current.version_added === false || current.version_added === null) continue;
    const statements = (Array.isArray(range.support) ? range.support : [range.support]).map((s) => ({
      ...s,
      notes: [...(s.notes ?? []), ...(current.notes ?? []), `version range from ./run-test.sh matrix and bisect: ${range.summary} (${range.file})`],
    }));
    compat.checks[range.check]!.__compat.support[range.target] = statements.length === 1 ? statements[0]! : statements;
  }
}

/** A section of COMPATIBILITY.md; empty when no matrix has an exact boundary. */
export function renderRangesMarkdown(ranges: ExactRange[]): string[] {
  if (ranges.length === 0) return [];
  return [
    "## Version ranges",
    "",
    "Where a check's status changes between two adjacent published versions of the runtime, found by `./run-test.sh matrix` or `./run-test.sh bisect`. The matrix files list every version tested and how many runs of each agree.",
    "",
    "| target | check | where it passes | boundary | matrix |",
    "| --- | --- | --- | --- | --- |",
    ...ranges.map((r) => `| \`${r.target}\` | \`${r.check}\` | ${r.summary} | ${r.boundaries.join("; ")} | [${r.file}](${r.file}) |`),
    "",
  ];
}
