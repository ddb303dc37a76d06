/**
 * The published table as data, rendered alike to Markdown and HTML: one column per target run, the
 * seed's rows first, then every check by group; every non-pass cell carries a numbered footnote.
 */
import type { CheckResult, Status, RunInfo, TargetResults, Kind } from "../model/results.ts";
import { runPath } from "../files/layout.ts";
import { parseTargetId } from "../model/target-id.ts";
import { targetNames } from "../targets/targets.ts";
import { type RuntimeFlag, contradictedClaim } from "../curated/notes.ts";
import { groupedRows, SEED_ROWS } from "./rows.ts";
import { type CuratedNote } from "../curated/note.ts";
import { footnoteFor, type Footnote } from "./footnotes.ts";

export interface Column {
  target: string;
  runtime: string;
  runtimeVersion: string;
  /** "bun 1.4.5" for a runtime on its own server, "bun-node (bun 1.4.5)" for another stack. */
  header: string;
  /** What compat.json's version_added names: the server's version where the target says it (the seed's servers), else the runtime's. */
  version: string;
  run: RunInfo;
  wallMs: number;
}

/** A column that cannot be measured here (Rocket): the table says so, with the reason, in every cell. */
export interface UnavailableColumn {
  target: string;
  header: string;
  reason: string;
}

export interface Cell {
  /** Undefined: the check did not run on this target. */
  result?: CheckResult;
  footnote?: number;
}

export interface CheckRow {
  id: string;
  kind: Kind;
  cells: Cell[];
}

export interface SeedRowModel {
  label: string;
  checks: string[];
  /** Per column, one cell per mapped check. */
  cells: Cell[][];
}

export interface GroupModel {
  letter: string;
  title: string;
  rows: CheckRow[];
}

export interface ReportModel {
  /** The command that made this table, as its header says. */
  command: string;
  columns: Column[];
  seedRows: SeedRowModel[];
  groups: GroupModel[];
  footnotes: Footnote[];
  unavailable: UnavailableColumn[];
}

/** Known targets first, in their declared order, then the others by id. */
function targetRank(target: string): number {
  const i = targetNames().indexOf(parseTargetId(target).name);
  return i === -1 ? targetNames().length : i;
}

export function sortRuns(runs: TargetResults[]): TargetResults[] {
  return [...runs].sort((a, b) => targetRank(a.run.target) - targetRank(b.run.target) || a.run.target.localeCompare(b.run.target));
}

function columnOf(results: TargetResults): Column {
  const { run } = results;
  // A versioned target (bun@1.1.26) is named whole, unless it is the bare runtime: its version is in the header anyway.
  const name = run.target.split("@")[0] === run.runtime ? run.runtime : run.target;
  const header =
    run.serverVersion !== undefined
      ? `${name} ${run.serverVersion} (${run.runtime} ${run.runtimeVersion})`
      : name === run.runtime
        ? `${run.runtime} ${run.runtimeVersion}`
        : `${name} (${run.runtime} ${run.runtimeVersion})`;
  return {
    target: run.target,
    runtime: run.runtime,
    runtimeVersion: run.runtimeVersion,
    header,
    version: run.serverVersion ?? run.runtimeVersion,
    run,
    wallMs: results.wallMs,
  };
}

export interface BuildOptions {
  notes?: CuratedNote[];
  /** The command that builds the table (default `./run-test.sh publish`). */
  command?: string;
  /** The number of the first footnote (a second table on the same page continues the numbering). */
  firstFootnote?: number;
  unavailable?: UnavailableColumn[];
}

export function buildModel(runs: TargetResults[], options: BuildOptions = {}): ReportModel {
  const sorted = sortRuns(runs);
  const columns = sorted.map(columnOf);
  const byTarget = sorted.map((r) => new Map(r.checks.map((c) => [c.id, c])));
  const seenIds = [...new Set(sorted.flatMap((r) => r.checks.map((c) => c.id)))];
  const grouped = groupedRows(seenIds);
  const kindOf = new Map(grouped.flatMap((g) => g.rows.map((r) => [r.id, r.kind] as const)));

  // One footnote per (check, target), numbered in reading order: seed rows, then groups.
  const footnotes: Footnote[] = [];
  const footnoteIndex = new Map<string, number>();
  const cellFor = (id: string, column: number): Cell => {
    const result = byTarget[column]!.get(id);
    if (!result) return {};
    // A pass is footnoted only when it contradicts what upstream reports.
    const contradicts =
      result.status === "pass" &&
      contradictedClaim(id, { target: columns[column]!.target, runtime: columns[column]!.runtime, runtimeVersion: columns[column]!.runtimeVersion, status: "pass" });
    if (result.status === "pass" && !contradicts) return { result };
    const key = `${id}\0${columns[column]!.target}`;
    let number = footnoteIndex.get(key);
    if (number === undefined) {
      number = footnotes.length + (options.firstFootnote ?? 1);
      const col = columns[column]!;
      const statusOnTarget = (other: string): Status | undefined => byTarget[column]!.get(other)?.status;
      const footnote = footnoteFor(
        result,
        { target: col.target, runtime: col.runtime, runtimeVersion: col.runtimeVersion, kind: kindOf.get(id) ?? "outcome", statusOnTarget },
        number,
        options.notes,
      );
      const flag = result.status === "pass" ? undefined : flagThatPasses(id, column);
      footnotes.push(flag ? { ...footnote, flag } : footnote);
      footnoteIndex.set(key, number);
    }
    return { result, footnote: number };
  };

  /**
   * A runtime flag with which the check passes on this target: a published run of the same target
   * and runtime version with that flag (`deno+no-legacy-abort`) that passes it. Measured, or nothing.
   */
  const flagThatPasses = (id: string, column: number): RuntimeFlag | undefined => {
    const plain = columns[column]!;
    if (plain.run.runtimeFlags?.length) return undefined;
    const name = parseTargetId(plain.target).name;
    const index = columns.findIndex(
      (c, i) =>
        i !== column &&
        (c.run.runtimeFlags?.length ?? 0) > 0 &&
        parseTargetId(c.target).name === name &&
        c.runtimeVersion === plain.runtimeVersion &&
        byTarget[i]!.get(id)?.status === "pass",
    );
    if (index === -1) return undefined;
    const flagged = columns[index]!;
    return {
      type: "runtime_flag",
      name: flagged.run.runtimeFlags.join(" "),
      evidence: `${id} passes on ${flagged.target} (${flagged.runtime} ${flagged.runtimeVersion}, run of ${flagged.run.date}, ${runPath("results", flagged.target)})`,
    };
  };

  const seedRows = SEED_ROWS.map((seed) => ({
    label: seed.label,
    checks: seed.checks,
    cells: columns.map((_, column) => seed.checks.map((id) => cellFor(id, column))),
  }));
  const groups = grouped.map(({ group, rows }) => ({
    letter: group.letter,
    title: group.title,
    rows: rows.map((row) => ({ id: row.id, kind: row.kind, cells: columns.map((_, column) => cellFor(row.id, column)) })),
  }));
  return { command: options.command ?? "./run-test.sh publish", columns, seedRows, groups, footnotes, unavailable: options.unavailable ?? [] };
}
