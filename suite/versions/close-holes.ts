/**
 * Closes the holes of a version matrix by bisection. A hole is a boundary between two tested
 * versions with published versions between them never run: "since ≤1.2.23 (fail on 1.1.45)". A
 * side whose runs say nothing (error, skip: "unknown") is a side like any other: where a target
 * starts working at all is a boundary too. Each round runs, at the middle version of every hole, the
 * checks whose status changes across it, one process per version (the checks of a shared hole in one
 * run), and rebuilds the matrix from what is on disk; it stops when every boundary lies between
 * adjacent published versions. Then each side of each new boundary is run once more: a check that
 * flips there shows as flaky in the matrix, never hidden.
 *
 * The steps are bisect logs (<target>/bisect/<check>/<a>_to_<b>.json, the format of
 * `./run-test.sh bisect`), saved after every run: an interrupted closing starts again from them.
 *
 * A hole with a flaky side (pass and fail at one version) is not bisected: it is reported as open,
 * with the reason.
 */
import { existsSync, readFileSync } from "node:fs";
import type { CheckResult } from "../model/results.ts";
import { appendBisectStep, bisectLogFile, buildMatrix, type BisectLog, type MatrixData } from "./matrix-report.ts";
import { compareVersions } from "../model/versions.ts";
import { versionsBetween } from "./published.ts";
import type { Boundary, VersionClass } from "./ranges.ts";

export interface Hole {
  check: string;
  boundary: Boundary;
}

export interface ClosingReport {
  runs: number;
  checkRuns: number;
  /** Boundaries found exact by this closing. */
  closed: { check: string; before: string; after: string; from: VersionClass; to: VersionClass; confirmed: boolean }[];
  /** Holes left, each with why. */
  open: { check: string; before: string; after: string; why: string }[];
}

export interface ClosingOptions {
  target: string;
  published: string[];
  /** Only holes of these checks (the matrix's --only); absent: every check. */
  checks?: string[];
  dir: string;
  load: () => MatrixData;
  /** One run of these checks at this version, one after another. */
  run: (version: string, checks: string[]) => Promise<{ results: CheckResult[]; date: string }>;
  log?: (line: string) => void;
}

/** A side that flips cannot be bisected from: which of its runs would the search follow? */
const bisectable = (c: VersionClass) => c !== "flaky";

/** The holes of the matrix as it is on disk: published versions between, neither side flaky. */
export function holesOf(data: MatrixData, published: string[], checks?: string[]): Hole[] {
  const model = buildMatrix(data, published);
  return model.checks
    .filter((c) => !checks || checks.includes(c.id))
    .flatMap((c) => c.ranges.boundaries.filter((b) => !b.exact && bisectable(b.from) && bisectable(b.to)).map((boundary) => ({ check: c.id, boundary })));
}

/** The version halfway between the two sides of a hole, in the registry's order. */
export function middleOf(published: string[], boundary: Boundary): string {
  const between = versionsBetween(published, boundary.before, boundary.after);
  return between[Math.floor((between.length - 1) / 2)]!;
}

/** Bisects every hole; see the module's comment. */
export async function closeHoles(options: ClosingOptions): Promise<ClosingReport> {
  const { target, published, dir } = options;
  const say = options.log ?? (() => {});
  const report: ClosingReport = { runs: 0, checkRuns: 0, closed: [], open: [] };
  const logs = new Map<string, { file: string; log: BisectLog }>();
  const tried = new Set<string>();
  const initial = holesOf(options.load(), published, options.checks);

  /** The log of this check whose interval holds the version: one per hole as first found. */
  const logFor = (hole: Hole, version: string): { file: string; log: BisectLog } => {
    for (const entry of logs.values()) {
      const { log } = entry;
      if (log.check === hole.check && compareVersions(log.good, version) <= 0 && compareVersions(version, log.bad) <= 0) return entry;
    }
    const origin = initial.find((h) => h.check === hole.check && compareVersions(h.boundary.before, version) <= 0 && compareVersions(version, h.boundary.after) <= 0)?.boundary ?? hole.boundary;
    const file = bisectLogFile(target, hole.check, origin.before, origin.after, dir);
    const log: BisectLog = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as BisectLog)
      : { target, check: hole.check, good: origin.before, bad: origin.after, steps: [], runs: 0 };
    const entry = { file, log };
    logs.set(file, entry);
    return entry;
  };

  const runAt = async (version: string, holes: Hole[], role: string) => {
    const ids = [...new Set(holes.map((h) => h.check))];
    say(`  ${role}: ${target}@${version}, ${ids.length} check${ids.length === 1 ? "" : "s"}: ${ids.join(", ")}`);
    const { results, date } = await options.run(version, ids);
    report.runs++;
    report.checkRuns += results.length;
    for (const result of results) {
      const hole = holes.find((h) => h.check === result.id)!;
      tried.add(`${result.id}@${version}`);
      const { file, log } = logFor(hole, version);
      appendBisectStep(file, log, result, { version, date, role });
      say(`    ${result.id.padEnd(34)} ${result.status.padEnd(8)} ${result.message.slice(0, 110)}`);
    }
  };

  for (let round = 1; ; round++) {
    const holes = holesOf(options.load(), published, options.checks).filter((h) => !tried.has(`${h.check}@${middleOf(published, h.boundary)}`));
    if (holes.length === 0) break;
    const byVersion = new Map<string, Hole[]>();
    for (const hole of holes) {
      const middle = middleOf(published, hole.boundary);
      byVersion.set(middle, [...(byVersion.get(middle) ?? []), hole]);
    }
    say(`closing holes, round ${round}: ${holes.length} hole${holes.length === 1 ? "" : "s"} at ${byVersion.size} version${byVersion.size === 1 ? "" : "s"}`);
    for (const [version, at] of [...byVersion].sort(([a], [b]) => compareVersions(a, b))) await runAt(version, at, `step ${round}`);
  }

  // Confirm: each side of each boundary this closing produced, once more, the checks of one version in one run.
  const data = options.load();
  const model = buildMatrix(data, published);
  const produced = [...logs.values()].map((e) => e.log);
  const found = model.checks.flatMap((c) =>
    c.ranges.boundaries
      .filter((b) => b.exact && produced.some((l) => l.check === c.id && compareVersions(l.good, b.before) <= 0 && compareVersions(b.after, l.bad) <= 0))
      .map((boundary) => ({ check: c.id, boundary })),
  );
  const sides = new Map<string, Hole[]>();
  for (const hole of found) for (const side of [hole.boundary.before, hole.boundary.after]) sides.set(side, [...(sides.get(side) ?? []), hole]);
  if (sides.size) say(`confirming ${found.length} boundar${found.length === 1 ? "y" : "ies"}: both sides once more`);
  for (const [version, at] of [...sides].sort(([a], [b]) => compareVersions(a, b))) await runAt(version, at, "confirm");

  const after = buildMatrix(options.load(), published);
  for (const hole of found) {
    const checkRanges = after.checks.find((c) => c.id === hole.check)!.ranges;
    const still = checkRanges.boundaries.some((b) => b.exact && b.before === hole.boundary.before && b.after === hole.boundary.after && b.from === hole.boundary.from && b.to === hole.boundary.to);
    report.closed.push({ check: hole.check, before: hole.boundary.before, after: hole.boundary.after, from: hole.boundary.from, to: hole.boundary.to, confirmed: still });
  }
  for (const c of after.checks.filter((c) => !options.checks || options.checks.includes(c.id))) {
    for (const b of c.ranges.boundaries.filter((b) => !b.exact)) {
      const why = !bisectable(b.from) || !bisectable(b.to) ? `${b.from} on ${b.before}, ${b.to} on ${b.after}: a side flips` : "every version between was tried";
      report.open.push({ check: c.id, before: b.before, after: b.after, why });
    }
  }
  return report;
}
