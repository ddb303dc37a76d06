/**
 * From observations of one check at several runtime versions to the ranges where it holds: "since
 * 1.1.27", "1.1.0–1.1.26: fail", and the support statements of MDN's browser-compat-data
 * (version_added / version_removed). A boundary is exact only when the two versions around it are
 * adjacent in the registry's list; otherwise the later one is given as "≤1.2.23" (BCD's ranged
 * value) and the gap is named, with the bisect command that pins it down.
 */
import type { Figure, Status } from "../model/results.ts";
import { adjacent } from "./published.ts";
import { compareVersions, sortVersions } from "../model/versions.ts";

export interface Observation {
  version: string;
  status: Status;
  figure?: Figure;
  message: string;
  /** Results file (or bisect log) it comes from, by its name in the runs folder. */
  source: string;
  date?: string;
}

/** pass; fail (fail or timeout: the runtime's behaviour); unknown (error, skip: the run says nothing); flaky (both pass and fail at one version). */
export type VersionClass = "pass" | "fail" | "unknown" | "flaky";

export interface Segment {
  class: VersionClass;
  from: string;
  to: string;
  versions: string[];
}

export interface Boundary {
  /** Last version of the earlier segment and first of the later one. */
  before: string;
  after: string;
  from: VersionClass;
  to: VersionClass;
  /** No published version lies between them: the change happened exactly at `after`. */
  exact: boolean;
}

export interface SupportStatement {
  version_added: string | false;
  version_removed?: string;
  notes?: string[];
}

export interface CheckRanges {
  id: string;
  segments: Segment[];
  boundaries: Boundary[];
  /** One line: "since 1.1.27", "pass on every version tested (1.1.45–1.4.5)". */
  summary: string;
  /** "1.1.20–1.1.26: fail", one per segment, oldest first. */
  lines: string[];
  support: SupportStatement[];
}

export function classOf(status: Status): VersionClass {
  return status === "pass" ? "pass" : status === "fail" || status === "timeout" ? "fail" : "unknown";
}

/** One class per version: error and skip say nothing when another run of that version did. */
export function classOfVersion(observations: Observation[]): VersionClass {
  const classes = new Set(observations.map((o) => classOf(o.status)));
  if (classes.has("pass") && classes.has("fail")) return "flaky";
  if (classes.has("pass")) return "pass";
  if (classes.has("fail")) return "fail";
  return "unknown";
}

function span(from: string, to: string): string {
  return from === to ? from : `${from}–${to}`;
}

export function computeRanges(id: string, observations: Observation[], published?: string[]): CheckRanges {
  const versions = sortVersions(observations.map((o) => o.version));
  const segments: Segment[] = [];
  for (const version of versions) {
    const cls = classOfVersion(observations.filter((o) => o.version === version));
    const last = segments.at(-1);
    if (last && last.class === cls) {
      last.to = version;
      last.versions.push(version);
    } else {
      segments.push({ class: cls, from: version, to: version, versions: [version] });
    }
  }
  const isAdjacent = (a: string, b: string) => (published ? adjacent(published, a, b) : false);
  const boundaries: Boundary[] = [];
  for (let i = 1; i < segments.length; i++) {
    const [prev, next] = [segments[i - 1]!, segments[i]!];
    boundaries.push({ before: prev.to, after: next.from, from: prev.class, to: next.class, exact: isAdjacent(prev.to, next.from) });
  }

  const lines: string[] = [];
  segments.forEach((segment, i) => {
    if (i > 0 && !boundaries[i - 1]!.exact) lines.push(`${segments[i - 1]!.to} … ${segment.from}: not tested between`);
    lines.push(`${span(segment.from, segment.to)}: ${segment.class}`);
  });

  // A pass segment is a support statement; its start is exact when the version before it failed and is adjacent.
  const support: SupportStatement[] = [];
  segments.forEach((segment, i) => {
    if (segment.class !== "pass") return;
    const before = boundaries[i - 1];
    const after = boundaries[i];
    const statement: SupportStatement = { version_added: before?.exact && before.from === "fail" ? segment.from : `≤${segment.from}` };
    const notes: string[] = [];
    if (!before) notes.push(`oldest version tested: ${segment.from}`);
    else if (before.from !== "fail") notes.push(`${before.before}: ${before.from}`);
    else if (!before.exact) notes.push(`fails on ${before.before}; not tested between ${before.before} and ${segment.from}`);
    if (after) {
      if (after.to === "fail") statement.version_removed = after.exact ? after.after : `≤${after.after}`;
      else notes.push(`${after.after}: ${after.to}`);
      if (after.to === "fail" && !after.exact) notes.push(`passes on ${after.before}; not tested between ${after.before} and ${after.after}`);
    }
    if (notes.length) statement.notes = notes;
    support.push(statement);
  });
  const flaky = segments.filter((s) => s.class === "flaky").flatMap((s) => s.versions);
  if (support.length === 0) {
    support.push({ version_added: false, notes: [`not passing on any version tested (${span(versions[0]!, versions.at(-1)!)})`] });
  }
  if (flaky.length) for (const s of support) s.notes = [...(s.notes ?? []), `flaky (pass and fail in different runs) on ${flaky.join(", ")}`];
  support.reverse(); // BCD lists the current statement first.

  return { id, segments, boundaries, summary: summarise(segments, boundaries), lines, support };
}

function summarise(segments: Segment[], boundaries: Boundary[]): string {
  if (segments.length === 0) return "no runs";
  const all = span(segments[0]!.from, segments.at(-1)!.to);
  if (segments.length === 1) {
    const only = segments[0]!;
    const word = only.class === "pass" ? "pass" : only.class === "fail" ? "fail" : only.class;
    return `${word} on every version tested (${all})`;
  }
  const last = segments.at(-1)!;
  const edge = boundaries.at(-1)!;
  const at = edge.exact ? last.from : `≤${last.from} (${edge.from} on ${edge.before})`;
  switch (last.class) {
    case "pass":
      return `since ${at}`;
    case "fail":
      return `fails since ${at}`;
    default:
      return `${last.class} since ${at}`;
  }
}

/** The newest observation of a check at a version (what a table cell shows). */
export function newestAt(observations: Observation[], version: string): Observation | undefined {
  const at = observations.filter((o) => o.version === version);
  return at.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""))
    .at(-1);
}

export { compareVersions };
