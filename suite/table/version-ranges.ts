/**
 * Version ranges in the published table, from results/<target>/matrix.json (`./run-test.sh matrix`
 * and `bisect`): per check and target, where it holds over the versions tested ("since 1.1.27",
 * "pass on every version tested (1.0.36–1.4.5)"), each boundary as measured (exact between two
 * adjacent published versions, or `≤` with the untested gap named), and beside it, where one is
 * curated, the upstream change that explains it (suite/curated/boundaries.ts).
 */
import { existsSync } from "node:fs";
import { matrixPaths } from "../files/layout.ts";
import { readVersioned } from "../files/versioned-json.ts";
import { boundaryNote, type BoundaryNote } from "../curated/boundaries.ts";
import { citation, citationMarkdown } from "../curated/citations.ts";
import type { CompatFile, SupportStatement } from "./compat-json.ts";

interface MatrixBoundary {
  before: string;
  after: string;
  from: string;
  to: string;
  exact: boolean;
}

interface MatrixCheck {
  __compat: { support: Record<string, SupportStatement | SupportStatement[]> };
  ranges: { summary: string; boundaries: MatrixBoundary[] };
}

export interface MatrixFile {
  target: string;
  runtime: string;
  versions: string[];
  checks: Record<string, MatrixCheck>;
}

export interface VersionRange {
  target: string;
  check: string;
  summary: string;
  /** Measured; empty when the check's status is the same on every version tested. */
  boundaries: (MatrixBoundary & { explained?: BoundaryNote })[];
  support: SupportStatement | SupportStatement[];
  file: string;
}

const readMatrixFile = (file: string) => readVersioned<MatrixFile>(file, "matrix", "./run-test.sh matrix <target> --report-only");

export function readMatrices(resultsDir: string, targets: string[]): MatrixFile[] {
  return targets
    .map((target) => matrixPaths(resultsDir, target).json)
    .filter((file) => existsSync(file))
    .map((file) => readMatrixFile(file));
}

/** Every check of every matrix, its boundaries with the curated explanation of each where there is one. */
export function versionRanges(matrices: MatrixFile[]): VersionRange[] {
  return matrices.flatMap((matrix) =>
    Object.entries(matrix.checks).map(([id, check]) => ({
      target: matrix.target,
      check: id,
      summary: check.ranges.summary,
      boundaries: check.ranges.boundaries.map((b) => {
        const explained = b.exact ? boundaryNote(id, { target: matrix.target, runtime: matrix.runtime, after: b.after }) : undefined;
        return { ...b, ...(explained ? { explained } : {}) };
      }),
      support: Object.values(check.__compat.support)[0]!,
      file: matrixPaths("results", matrix.target).markdown,
    })),
  );
}

function upstreamText(note: BoundaryNote): string {
  return note.upstream.map((u) => citation(u).text).join(", ");
}

/**
 * compat.json: where the pinned version's statement agrees with the range (passes where the range says
 * it passes), the range's statements (first version, removal; `≤` where a gap is untested) replace
 * "the version tested", with a note naming where they come from and the upstream change at each boundary.
 */
export function mergeRanges(compat: CompatFile, ranges: VersionRange[]): void {
  for (const range of ranges) {
    const current = compat.checks[range.check]?.__compat.support[range.target];
    if (!current || Array.isArray(current) || current.version_added === false || current.version_added === null) continue;
    const why = range.boundaries.flatMap((b) => (b.explained ? [`at ${b.after}, upstream: ${b.explained.change} (${upstreamText(b.explained)})`] : []));
    const statements = (Array.isArray(range.support) ? range.support : [range.support]).map((s) => ({
      ...s,
      notes: [...(s.notes ?? []), ...(current.notes ?? []), `version range from ./run-test.sh matrix and bisect: ${range.summary} (${range.file})`, ...why],
    }));
    compat.checks[range.check]!.__compat.support[range.target] = statements.length === 1 ? statements[0]! : statements;
  }
}

function boundaryCell(b: MatrixBoundary): string {
  return b.exact ? `${b.from} on ${b.before} → ${b.to} on ${b.after}` : `${b.from} on ${b.before} → ${b.to} on ${b.after} (not tested between)`;
}

function explanationCell(range: VersionRange): string {
  const notes = range.boundaries.flatMap((b) =>
    b.explained ? [`${b.after}: ${b.explained.change} (${b.explained.upstream.map(citationMarkdown).join(", ")})`] : [],
  );
  return notes.length ? notes.join("<br>") : "—";
}

/** A section of COMPATIBILITY.md; empty when no matrix has been published. */
export function renderRangesMarkdown(ranges: VersionRange[]): string[] {
  if (ranges.length === 0) return [];
  const changing = ranges.filter((r) => r.boundaries.length > 0);
  const steady = new Map<string, VersionRange[]>();
  for (const r of ranges.filter((r) => r.boundaries.length === 0)) steady.set(r.target, [...(steady.get(r.target) ?? []), r]);
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  return [
    "## Version ranges",
    "",
    "Where each check holds over the runtime versions tested by `./run-test.sh matrix` (the newest patch of each minor or major) and `bisect` (every boundary between two adjacent published versions, unless marked *not tested between*). The boundary is measured; the upstream change beside it is curated, read in the thread itself (suite/curated/sources.md). The matrix files list every version tested and how many runs of each agree.",
    "",
    "| target | check | where it passes | boundary (measured) | upstream change (curated) | matrix |",
    "| --- | --- | --- | --- | --- | --- |",
    ...changing.map((r) => `| \`${r.target}\` | \`${r.check}\` | ${escape(r.summary)} | ${escape(r.boundaries.map(boundaryCell).join("; "))} | ${escape(explanationCell(r))} | [${r.file}](${r.file}) |`),
    "",
    ...[...steady].map(([target, rs]) => `- \`${target}\`: ${rs.length} check${rs.length === 1 ? " holds" : "s hold"} the same status on every version tested: ${rs.map((r) => `\`${r.check}\` (${r.summary.replace(/ on every version tested.*/, "")})`).join(", ")}; versions in [${matrixPaths("results", target).markdown}](${matrixPaths("results", target).markdown}).`),
    ...(steady.size ? [""] : []),
  ];
}
