/**
 * Publishing, its own step: `./run-test.sh publish [TARGET]...` copies the newest full run of each
 * target from runs/ into results/ (every target that has one, or only those named), with the newest
 * matrices, bisect logs and benchmark, and builds COMPATIBILITY.md, results/compat.json and
 * results/report.html from every run in results/. A column keeps the date, commit and machine of
 * its own run, so one target can update its column without rerunning the others.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { isWholeRunFile, PUBLISHED_DIR, readRun, ResultsMissingError, runFile, runFileName, RUNS_DIR } from "../files/run-files.ts";
import type { TargetResults } from "../model/results.ts";
import { ROOT } from "../files/paths.ts";
import { targetNames } from "../targets/targets.ts";
import { readBenchResults } from "./bench-section.ts";
import { buildCompatFile } from "./compat-json.ts";
import { builtInTargets } from "../targets/target-files.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import { buildModel, type ReportModel } from "./model.ts";
import { mergeRanges, readMatrices, versionRanges } from "./version-ranges.ts";

export interface GeneratedReport {
  model: ReportModel;
  /** The seed's servers' table, when any of them has a run. */
  seed?: ReportModel;
  files: { markdown: string; compat: string; html: string };
}

/** Renders and writes the three outputs from target runs already in memory. */
export function writeReport(
  runs: TargetResults[],
  options: { resultsDir?: string; outRoot?: string; command?: string } = {},
): GeneratedReport {
  const resultsDir = options.resultsDir ?? PUBLISHED_DIR;
  const outRoot = options.outRoot ?? ROOT;
  // The seed's servers get a section of their own, after the runtimes' table; Rocket's column says why it is empty.
  const command = options.command ? { command: options.command } : {};
  const model = buildModel(runs.filter((r) => r.run.table !== "seed"), command);
  const unavailable = builtInTargets().filter((t) => t.table === "seed" && t.unavailable).map((t) => ({ target: t.name, header: `${t.name} (${t.server})`, reason: t.unavailable! }));
  const seedRuns = runs.filter((r) => r.run.table === "seed");
  const seed = seedRuns.length ? buildModel(seedRuns, { ...command, firstFootnote: model.footnotes.length + 1, unavailable }) : undefined;
  const files = {
    markdown: join(outRoot, "COMPATIBILITY.md"),
    compat: join(resultsDir, "compat.json"),
    html: join(resultsDir, "report.html"),
  };
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(outRoot, { recursive: true });
  const ranges = versionRanges(readMatrices(resultsDir, model.columns.map((c) => c.target)));
  const compat = buildCompatFile(model, seed);
  mergeRanges(compat, ranges);
  writeFileSync(files.markdown, renderMarkdown(model, ranges, seed));
  writeFileSync(files.compat, JSON.stringify(compat, null, 2) + "\n");
  writeFileSync(files.html, renderHtml(model, readBenchResults(join(resultsDir, "bench.json")), seed));
  return { model, ...(seed ? { seed } : {}), files };
}

export interface PublishOptions {
  /** Targets whose newest run to publish; default every target with a full run in `runsDir`. */
  targets?: string[];
  runsDir?: string;
  resultsDir?: string;
  outRoot?: string;
  command?: string;
}

export interface Published {
  report: GeneratedReport;
  /** Files copied from runs/ into results/. */
  copied: string[];
}

/** A target's run at a runtime version other than the pinned one (`bun@1.1.26.json`, `.partial.json`): a matrix's input. */
const VERSION_RUN = /^[\w.+-]+@\d+\.\d+\.\d+(\.partial)?\.json$/;
/** Where results/ keeps them. */
export const VERSION_RUNS_DIR = "versions";

/**
 * Is `name` in runs/ a full run of a target at its pinned version: not a subset, not a run at
 * another version (a matrix's input, published in versions/ beside the matrix), not a calibration
 * fixture's run, not a matrix, a bisect log or the bench?
 */
function isFullRun(name: string): boolean {
  return isWholeRunFile(name) && !name.includes("@") && !name.startsWith("fixture_");
}

export function publish(options: PublishOptions = {}): Published {
  const runsDir = options.runsDir ?? RUNS_DIR;
  const resultsDir = options.resultsDir ?? PUBLISHED_DIR;
  const available = existsSync(runsDir) ? readdirSync(runsDir).sort() : [];
  const named = options.targets?.length ? options.targets : undefined;
  for (const target of named ?? []) {
    if (!existsSync(runFile(target, { dir: runsDir }))) throw new ResultsMissingError(`no full run of ${target} in ${runsDir}: run ./run-test.sh ${target} first`);
  }
  // A server of the user's own (a target file's `table: "yours"`, a url: target) is published only when named.
  const runNames = named ? named.map((t) => runFileName(t)) : available.filter(isFullRun).filter((name) => readRun(join(runsDir, name)).run.table !== "yours");
  // Matrices, bisect logs and the bench are published whole with any publish that finds them newer.
  const extras = named ? [] : available.filter((name) => /^(matrix-.*\.(md|json)|bisect-.*\.json|bench\.json)$/.test(name));
  // The runs at other versions a matrix is built from go beside it, in versions/: the matrix names them.
  const versionRuns = named ? [] : available.filter((name) => VERSION_RUN.test(name) && !name.startsWith("fixture_"));
  const copies = [
    ...runNames.map((name) => ({ name, to: name, run: true })),
    ...extras.map((name) => ({ name, to: name, run: false })),
    ...versionRuns.map((name) => ({ name, to: join(VERSION_RUNS_DIR, name), run: true })),
  ];
  mkdirSync(resultsDir, { recursive: true });
  if (versionRuns.length) mkdirSync(join(resultsDir, VERSION_RUNS_DIR), { recursive: true });
  const copied: string[] = [];
  for (const { name, to, run } of copies) {
    if (run) readRun(join(runsDir, name)); // a broken run file is refused, not published
    copyFileSync(join(runsDir, name), join(resultsDir, to));
    copied.push(join(resultsDir, to));
  }
  const published = readdirSync(resultsDir).filter(isFullRun);
  // The built-in targets in their order, then any other target that has a published run.
  const order = [...targetNames().map((t) => runFileName(t)).filter((n) => published.includes(n)), ...published.filter((n) => !targetNames().map((t) => runFileName(t)).includes(n))];
  if (order.length === 0) throw new ResultsMissingError(`nothing to publish: no run in ${runsDir} or ${resultsDir}; run ./run-test.sh <target> first`);
  const runs = order.map((name) => readRun(join(resultsDir, name)));
  const report = writeReport(runs, {
    resultsDir,
    ...(options.outRoot ? { outRoot: options.outRoot } : {}),
    command: options.command ?? `./run-test.sh publish${named ? ` ${named.join(" ")}` : ""}`,
  });
  return { report, copied: copied.map((file) => basename(file)) };
}
