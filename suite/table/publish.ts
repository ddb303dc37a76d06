/**
 * Publishing, its own step: `./run-test.sh publish [TARGET]...` copies the newest full run of each
 * target from runs/ into results/ (every target that has one, or only those named), with the newest
 * matrices, their runs at other versions, bisect logs and benchmark, each to the same place in the
 * tree (suite/files/layout.ts), and builds COMPATIBILITY.md, results/compat.json,
 * results/report.html and the index results/README.md from every run in results/. A column keeps the
 * date, commit and machine of its own run, so one target can update its column without rerunning
 * the others.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isFixtureFolder, isWhole, listBisectLogs, listRuns, matrixPaths, targetFolder, targetFolders, topFiles } from "../files/layout.ts";
import { readRun, ResultsMissingError, runFile } from "../files/run-files.ts";
import { writeVersioned } from "../files/versioned-json.ts";
import { writeResultsIndex } from "./results-index.ts";
import { PUBLISHED_DIR, RUNS_DIR, ROOT } from "../files/paths.ts";
import type { TargetResults } from "../model/results.ts";
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
    compat: topFiles(resultsDir).compat,
    html: topFiles(resultsDir).report,
  };
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(outRoot, { recursive: true });
  const ranges = versionRanges(readMatrices(resultsDir, model.columns.map((c) => c.target)));
  const compat = buildCompatFile(model, seed);
  mergeRanges(compat, ranges);
  writeFileSync(files.markdown, renderMarkdown(model, ranges, seed));
  writeVersioned(files.compat, "compat", compat);
  writeFileSync(files.html, renderHtml(model, readBenchResults(topFiles(resultsDir).bench), seed));
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
  /** Files copied from runs/ into results/, relative to both. */
  copied: string[];
}

/** What an unnamed publish copies: every target's full run (not a user's own), its matrix, its runs at other versions, its bisect logs; the bench. */
function everythingIn(runsDir: string): string[] {
  const runs = listRuns(runsDir).filter((r) => !isFixtureFolder(r.folder) && !r.shard);
  // A server of the user's own (a target file's `table: "yours"`, a url: target) is published only when named.
  const tableRuns = runs.filter((r) => r.version === undefined && isWhole(r) && readRun(r.file).run.table !== "yours");
  // The runs at other versions a matrix is built from go beside it: the matrix names them.
  const versionRuns = runs.filter((r) => r.version !== undefined);
  const folders = targetFolders(runsDir).filter((f) => !isFixtureFolder(f));
  const matrices = folders.flatMap((f) => Object.values(matrixPaths(runsDir, f)).filter(existsSync));
  const logs = folders.flatMap((f) => listBisectLogs(runsDir, f).map((l) => l.file));
  const bench = [topFiles(runsDir).bench].filter(existsSync);
  return [...tableRuns.map((r) => r.file), ...versionRuns.map((r) => r.file), ...matrices, ...logs, ...bench].map((file) => relative(runsDir, file));
}

export function publish(options: PublishOptions = {}): Published {
  const runsDir = options.runsDir ?? RUNS_DIR;
  const resultsDir = options.resultsDir ?? PUBLISHED_DIR;
  const named = options.targets?.length ? options.targets : undefined;
  for (const target of named ?? []) {
    if (!existsSync(runFile(target, { dir: runsDir }))) throw new ResultsMissingError(`no full run of ${target} in ${runsDir}: run ./run-test.sh ${target} first`);
  }
  const copies = named ? named.map((t) => relative(runsDir, runFile(t, { dir: runsDir }))) : everythingIn(runsDir);
  const runFiles = new Set(listRuns(runsDir).map((r) => r.file));
  for (const path of copies) {
    const from = join(runsDir, path);
    if (runFiles.has(from)) readRun(from); // a broken run file is refused, not published
    mkdirSync(dirname(join(resultsDir, path)), { recursive: true });
    copyFileSync(from, join(resultsDir, path));
  }
  const published = listRuns(resultsDir).filter((r) => r.version === undefined && isWhole(r) && !isFixtureFolder(r.folder));
  // The built-in targets in their order, then any other target that has a published run.
  const builtIn = targetNames().map(targetFolder);
  const order = [...builtIn.flatMap((f) => published.filter((r) => r.folder === f)), ...published.filter((r) => !builtIn.includes(r.folder))];
  if (order.length === 0) throw new ResultsMissingError(`nothing to publish: no run in ${runsDir} or ${resultsDir}; run ./run-test.sh <target> first`);
  const runs = order.map((r) => readRun(r.file));
  const report = writeReport(runs, {
    resultsDir,
    ...(options.outRoot ? { outRoot: options.outRoot } : {}),
    command: options.command ?? `./run-test.sh publish${named ? ` ${named.join(" ")}` : ""}`,
  });
  writeFileSync(topFiles(resultsDir).index, writeResultsIndex(resultsDir));
  return { report, copied: copies };
}
