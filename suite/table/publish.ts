/**
 * Publishes the compatibility table from real runs: reads results/<target>.json for each target and
 * writes COMPATIBILITY.md (repository root), results/compat.json and results/report.html.
 *
 *   node suite/table/publish.ts [TARGET]... [--results DIR] [--out-root DIR]
 *
 * Without targets: every known target (node, deno, bun, ...) whose results file exists. `./run-test.sh
 * all` calls it after running each target. Exit 0 when written, 2 when a named target has no results.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { ALL_CHECKS } from "../checks/registry.ts";
import type { TargetResults } from "../harness/runner.ts";
import { ROOT, TARGETS } from "../harness/targets.ts";
import { buildCompat } from "./compat-json.ts";
import { readBenchResults } from "./bench-section.ts";
import { renderHtml } from "./html.ts";
import { loadTargets, resultsFileName, ResultsMissingError } from "./load.ts";
import { renderMarkdown } from "./markdown.ts";
import { exactRanges, mergeRanges, readMatrices } from "./version-ranges.ts";
import { buildModel, type ReportModel } from "./model.ts";

export interface GenerateOptions {
  /** Where results/<target>.json are read from and compat.json and report.html are written; default results/. */
  resultsDir?: string;
  /** Where COMPATIBILITY.md goes; default the repository root. */
  outRoot?: string;
  /** Targets to publish; default every known target with a results file. */
  targets?: string[];
}

export interface GeneratedReport {
  model: ReportModel;
  files: { markdown: string; compat: string; html: string };
}

/** Renders and writes the three outputs from target runs already in memory. */
export function writeReport(runs: TargetResults[], options: { resultsDir?: string; outRoot?: string } = {}): GeneratedReport {
  const resultsDir = options.resultsDir ?? join(ROOT, "results");
  const outRoot = options.outRoot ?? ROOT;
  const model = buildModel(runs);
  const files = {
    markdown: join(outRoot, "COMPATIBILITY.md"),
    compat: join(resultsDir, "compat.json"),
    html: join(resultsDir, "report.html"),
  };
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(outRoot, { recursive: true });
  const ranges = exactRanges(readMatrices(resultsDir, model.columns.map((c) => c.target)));
  const compat = buildCompat(model);
  mergeRanges(compat, ranges);
  writeFileSync(files.markdown, renderMarkdown(model, ranges));
  writeFileSync(files.compat, JSON.stringify(compat, null, 2) + "\n");
  writeFileSync(files.html, renderHtml(model, readBenchResults(join(resultsDir, "bench.json"))));
  return { model, files };
}

/** Reads the targets' result files, then writes the report. */
export function generateReport(options: GenerateOptions = {}): GeneratedReport {
  const resultsDir = options.resultsDir ?? join(ROOT, "results");
  const targets = options.targets?.length
    ? options.targets
    : Object.keys(TARGETS).filter((t) => existsSync(join(resultsDir, resultsFileName(t))));
  if (targets.length === 0) throw new ResultsMissingError(`no target results in ${resultsDir}: run ./run-test.sh <target> first`);
  return writeReport(loadTargets(resultsDir, targets), { resultsDir, ...(options.outRoot ? { outRoot: options.outRoot } : {}) });
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { results: { type: "string" }, "out-root": { type: "string" } },
  });
  try {
    const { model, files } = generateReport({
      targets: positionals,
      ...(values.results ? { resultsDir: values.results } : {}),
      ...(values["out-root"] ? { outRoot: values["out-root"] } : {}),
    });
    const automatic = model.footnotes.filter((f) => !f.curated).length;
    console.log(
      `report: ${model.columns.map((c) => c.target).join(", ")}; ${model.footnotes.length} footnotes (${automatic} without upstream reference yet)`,
    );
    for (const file of Object.values(files)) console.log(`  wrote ${file}`);
    return 0;
  } catch (error) {
    if (error instanceof ResultsMissingError) {
      console.error(`report: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main(process.argv.slice(2)));
