/**
 * The version table of one target: every check at every runtime version that has a result
 * (<target>/versions/<version>.json and .partial.json from `matrix` or `./run-test.sh
 * <target>@<version>`, <target>/run.json for the pinned version, and the steps of the bisect logs in
 * <target>/bisect/), with, per check, the ranges where it passes and its support statements in
 * browser-compat-data style. Written as <target>/matrix.md and <target>/matrix.json (layout.ts).
 */
import { writeFileSync } from "node:fs";
import { ALL_CHECKS } from "../checks/registry.ts";
import type { CheckResult, Figure, Status } from "../model/results.ts";
import { RUNS_DIR } from "../files/paths.ts";
import { bisectLogPath, listBisectLogs, listRuns, matrixPaths, targetFolder } from "../files/layout.ts";
import { readRun } from "../files/run-files.ts";
import { readVersioned, writeVersioned } from "../files/versioned-json.ts";
import { targetSpecs } from "../targets/targets.ts";
import { RUNTIME_PACKAGES, type RuntimeName } from "../targets/runtime-versions.ts";
import { contradictedClaim, type UpstreamClaim } from "../curated/notes.ts";
import { formatFigure, LEGEND, STATUS_MARK } from "../table/format.ts";
import { compareVersions, parseVersion } from "../model/versions.ts";
import { classOfVersion, computeRanges, newestAt, type CheckRanges, type Observation, type SupportStatement } from "./ranges.ts";

/** What a bisect leaves in <target>/bisect/<check>/<good>_to_<bad>.json (suite/commands/bisect.ts, close-holes.ts). */
export interface BisectLog {
  target: string;
  check: string;
  good: string;
  bad: string;
  steps: { version: string; status: Status; figure?: Figure; message: string; date: string; role: string; evidence?: Record<string, unknown> }[];
  boundary?: { before: string; after: string; confirmed: boolean };
  runs: number;
}

/** Writes a bisect log as it stands: after every run, so that an interrupted bisection resumes from it. */
export function saveBisectLog(file: string, log: BisectLog): void {
  writeVersioned(file, "bisectLog", log);
}

export const readBisectLog = (file: string) => readVersioned<BisectLog>(file, "bisectLog", "./run-test.sh bisect");

/** Records one run of the log's check (`bisect` and --close-holes alike) and saves the log. */
export function appendBisectStep(file: string, log: BisectLog, result: CheckResult, at: { version: string; date: string; role: string }): void {
  log.runs++;
  log.steps.push({
    version: at.version,
    status: result.status,
    ...(result.figure ? { figure: result.figure } : {}),
    message: result.message,
    date: at.date,
    role: at.role,
    evidence: result.evidence,
  });
  saveBisectLog(file, log);
}

/** One log per check and interval, so that a check with two boundaries keeps both bisections. */
export function bisectLogFile(target: string, check: string, good: string, bad: string, dir = RUNS_DIR): string {
  return bisectLogPath(dir, target, check, good, bad);
}

export interface RunSource {
  version: string;
  kind: "full" | "partial" | "bisect" | "pinned";
  file: string;
  date: string;
  suiteCommit?: string;
  checks: number;
  wallMs?: number;
}

export interface MatrixData {
  target: string;
  runtime: RuntimeName;
  observations: Map<string, Observation[]>;
  runs: RunSource[];
}

function observe(data: MatrixData, id: string, observation: Observation): void {
  const list = data.observations.get(id) ?? [];
  list.push(observation);
  data.observations.set(id, list);
}

/** Every result of `target` at an exact runtime version under `dir` (runs/). */
export function loadMatrixData(target: string, dir = RUNS_DIR): MatrixData {
  const runtime = targetSpecs()[target]!.runtime;
  const data: MatrixData = { target, runtime, observations: new Map(), runs: [] };
  // Bisect logs first, by check and interval: the order their observations have always had.
  const logs = listBisectLogs(dir, target).map(({ file, path }) => ({ path, log: readBisectLog(file) }));
  logs.sort((x, y) => (`${x.log.check}@${x.log.good}..${x.log.bad}` < `${y.log.check}@${y.log.good}..${y.log.bad}` ? -1 : 1));
  for (const { path, log } of logs) {
    for (const step of log.steps) {
      observe(data, log.check, { version: step.version, status: step.status, ...(step.figure ? { figure: step.figure } : {}), message: step.message, source: path, date: step.date });
      data.runs.push({ version: step.version, kind: "bisect", file: `${path} (${step.role})`, date: step.date, checks: 1 });
    }
  }
  // Where the runs folder is, is the machine's business, not the table's: sources are named within it.
  for (const entry of listRuns(dir, targetFolder(target)).filter((r) => !r.shard)) {
    const results = readRun(entry.file);
    const version = entry.version ?? results.run.runtimeVersion;
    if (!parseVersion(version) || (entry.version === undefined && entry.partial)) continue;
    data.runs.push({
      version,
      kind: entry.version === undefined ? "pinned" : entry.partial ? "partial" : "full",
      file: entry.path,
      date: results.run.date,
      suiteCommit: results.run.suiteCommit,
      checks: results.checks.length,
      wallMs: results.wallMs,
    });
    for (const r of results.checks) {
      observe(data, r.id, { version, status: r.status, ...(r.figure ? { figure: r.figure } : {}), message: r.message, source: entry.path, date: results.run.date });
    }
  }
  // One run of several checks (a closing step) is one row, not one per check's log.
  const byRun = new Map<string, RunSource[]>();
  for (const run of data.runs) {
    const key = run.kind === "bisect" ? `${run.version} ${run.date}` : `${run.kind} ${run.file}`;
    byRun.set(key, [...(byRun.get(key) ?? []), run]);
  }
  data.runs = [...byRun.values()]
    .map(([first, ...more]) => (more.length ? { ...first!, checks: first!.checks + more.reduce((n, r) => n + r.checks, 0), file: `${first!.file} (and ${more.length} more logs)` } : first!))
    .sort((a, b) => compareVersions(a.version, b.version) || a.date.localeCompare(b.date));
  return data;
}

export interface MatrixContradiction {
  check: string;
  version: string;
  claim: UpstreamClaim;
  observed: Observation;
}

export interface MatrixModel {
  target: string;
  runtime: RuntimeName;
  versions: string[];
  checks: { id: string; kind: string; ranges: CheckRanges; observations: Observation[] }[];
  contradictions: MatrixContradiction[];
  runs: RunSource[];
}

export function buildMatrix(data: MatrixData, published?: string[]): MatrixModel {
  const versions = [...new Set([...data.observations.values()].flat().map((o) => o.version))].sort(compareVersions);
  const known = ALL_CHECKS.map((c) => c.id);
  const ids = [...data.observations.keys()].sort((a, b) => (known.indexOf(a) + 1 || 999) - (known.indexOf(b) + 1 || 999) || a.localeCompare(b));
  const kinds = new Map(ALL_CHECKS.map((c) => [c.id, c.kind as string]));
  const contradictions: MatrixContradiction[] = [];
  const checks = ids.map((id) => {
    const observations = data.observations.get(id)!;
    for (const version of versions) {
      const observed = newestAt(observations, version);
      if (!observed) continue;
      const claim = contradictedClaim(id, { target: data.target, runtime: data.runtime, runtimeVersion: version, status: observed.status });
      if (claim) contradictions.push({ check: id, version, claim, observed });
    }
    return { id, kind: kinds.get(id) ?? "?", ranges: computeRanges(id, observations, published), observations };
  });
  return { target: data.target, runtime: data.runtime, versions, checks, contradictions, runs: data.runs };
}

function cell(observations: Observation[], version: string): string {
  const at = observations.filter((o) => o.version === version);
  if (at.length === 0) return "—";
  const newest = newestAt(observations, version)!;
  const figure = formatFigure(newest.figure, false);
  const flaky = classOfVersion(at) === "flaky" ? ` (flaky: ${at.map((o) => STATUS_MARK[o.status]).join("")})` : at.length > 1 ? ` ×${at.length}` : "";
  return `${STATUS_MARK[newest.status]}${figure ? ` ${figure}` : ""}${flaky}`;
}

function statementText(s: SupportStatement): string {
  const parts = [`version_added: ${s.version_added === false ? "false" : s.version_added}`];
  if (s.version_removed) parts.push(`version_removed: ${s.version_removed}`);
  return parts.join(", ") + (s.notes?.length ? ` (${s.notes.join("; ")})` : "");
}

export function renderMatrixMarkdown(model: MatrixModel): string {
  const pkg = RUNTIME_PACKAGES[model.runtime];
  const spec = targetSpecs()[model.target]!;
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const lines = [
    `# Version matrix: \`${model.target}\` (${model.runtime}, ${spec.server}, ${spec.framework})`,
    "",
    `> Generated by \`./run-test.sh matrix ${model.target}\` from real runs of the suite at each ${model.runtime} version (npm package \`${pkg}\`), never edited by hand. A version's cell is its newest run; ×N: N runs agree; *flaky*: runs disagree.`,
    "",
    row(["check", "kind", ...model.versions, "where it passes"]),
    row(["---", "---", ...model.versions.map(() => "---"), "---"]),
    ...model.checks.map((c) => row([`\`${c.id}\``, c.kind, ...model.versions.map((v) => cell(c.observations, v)), c.ranges.summary])),
    "",
    `Legend: ${LEGEND}.`,
    "",
    "## Ranges per check",
    "",
    "Support statements as in MDN's browser-compat-data: `version_added` is the first version where the check passes, `version_removed` the first where it no longer does; `≤1.2.23` means the change happened at that version or earlier, after the last version tested before it.",
    "",
  ];
  for (const c of model.checks) {
    const changes = c.ranges.segments.length > 1;
    if (!changes && !model.contradictions.some((x) => x.check === c.id)) continue;
    lines.push(`- \`${c.id}\`: **${c.ranges.summary}**. ${c.ranges.lines.join(" · ")}. ${c.ranges.support.map(statementText).join(" / ")}.`);
  }
  const steady = model.checks.filter((c) => c.ranges.segments.length === 1);
  if (steady.length) lines.push(`- Unchanged over every version tested: ${steady.map((c) => `\`${c.id}\` (${c.ranges.segments[0]!.class})`).join(", ")}.`);
  const open = model.checks.flatMap((c) =>
    c.ranges.boundaries.filter((b) => !b.exact).map((b) => ({ id: c.id, b })),
  );
  if (open.length) {
    lines.push("", "## Boundaries not pinned down yet", "", `Versions were published between these two; bisect finds the first one that changed (\`./run-test.sh matrix ${model.target} --close-holes\` bisects them all):`, "");
    for (const { id, b } of open) {
      const flaky = b.from === "flaky" || b.to === "flaky" ? " (a side is flaky: its runs disagree, so no bisection can follow it)" : "";
      lines.push(`- \`${id}\`: ${b.from} on ${b.before}, ${b.to} on ${b.after}: \`./run-test.sh bisect ${model.target} ${id} ${b.before} ${b.after}\`${flaky}`);
    }
  }
  if (model.contradictions.length) {
    lines.push("", "## Contradicts upstream", "");
    for (const x of model.contradictions) {
      lines.push(
        `- \`${x.check}\` on ${model.runtime} ${x.version}: upstream says it ${x.claim.says === "fail" ? "fails" : "works"} (${x.claim.claim}; ${x.claim.upstream.join(", ")}); our run: ${STATUS_MARK[x.observed.status]} ${x.observed.status}${x.observed.figure ? `, ${formatFigure(x.observed.figure)}` : ""}: “${x.observed.message}” (${x.observed.source}).`,
      );
    }
  }
  lines.push("", "## Runs", "", `Published with the matrix: the runs at each version in results/${targetFolder(model.target)}/versions/, the bisect logs in results/${targetFolder(model.target)}/bisect/.`, "", row(["version", "run", "file", "date", "suite commit", "checks", "wall time"]), row(Array(7).fill("---")));
  for (const r of model.runs) {
    lines.push(row([r.version, r.kind, `\`${r.file}\``, r.date, r.suiteCommit ?? "", String(r.checks), r.wallMs === undefined ? "" : `${(r.wallMs / 1000).toFixed(1)} s`]));
  }
  return lines.join("\n") + "\n";
}

export function matrixJson(model: MatrixModel): unknown {
  return {
    generated: `./run-test.sh matrix ${model.target}, from real runs; per check the support statements in the style of MDN's browser-compat-data`,
    target: model.target,
    runtime: model.runtime,
    package: RUNTIME_PACKAGES[model.runtime],
    versions: model.versions,
    runs: model.runs,
    checks: Object.fromEntries(
      model.checks.map((c) => [
        c.id,
        {
          __compat: { kind: c.kind, support: { [model.target]: c.ranges.support.length === 1 ? c.ranges.support[0] : c.ranges.support } },
          ranges: { summary: c.ranges.summary, lines: c.ranges.lines, segments: c.ranges.segments, boundaries: c.ranges.boundaries },
          observations: c.observations.map((o) => ({ version: o.version, status: o.status, ...(o.figure ? { figure: o.figure } : {}), message: o.message, source: o.source })),
        },
      ]),
    ),
    contradictions: model.contradictions.map((x) => ({
      check: x.check,
      version: x.version,
      upstream_says: x.claim.says,
      claim: x.claim.claim,
      upstream: x.claim.upstream,
      observed: { status: x.observed.status, figure: x.observed.figure, message: x.observed.message, source: x.observed.source },
    })),
  };
}

export function writeMatrix(model: MatrixModel, dir = RUNS_DIR): { markdown: string; json: string } {
  const files = matrixPaths(dir, model.target);
  writeVersioned(files.json, "matrix", matrixJson(model) as object);
  writeFileSync(files.markdown, renderMatrixMarkdown(model));
  return files;
}
