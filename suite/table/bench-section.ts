/**
 * The benchmark in the HTML report: results/bench.json (written by `./run-test.sh bench`) as a table
 * of each target's figures beside its runtime's raw ceiling, and a chart of the ratios. A ratio is
 * drawn as "share of the ceiling": target ÷ ceiling where higher is better, ceiling ÷ target where
 * lower is better, so that 1 is the ceiling on every row and more is better.
 */
import { existsSync, readFileSync } from "node:fs";
import { escapeHtml } from "./html-escape.ts";
import { formatNumber } from "./format.ts";

interface Metric {
  key: string;
  label: string;
  unit: string;
  better: "higher" | "lower";
}

interface Comparison {
  target: string;
  ceiling: string;
  metrics: Record<string, { target: number | null; ceiling: number | null; ratio: number | null; better: "higher" | "lower" }>;
}

export interface BenchResults {
  startedAt: string;
  /** The command that made the file (absent in files from before it was recorded). */
  command?: string;
  wallMs: number;
  metrics: Metric[];
  comparisons: Comparison[];
  machine?: { atStart?: { cores?: number; loadAverage?: number[] }; loadAverageAtEnd?: number[] };
  versions?: Record<string, unknown>;
}

export function readBenchResults(file: string): BenchResults | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as BenchResults & { kind?: string };
    return parsed.kind === "sse-compat-bench" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** target ÷ ceiling turned so that more is better; undefined where either figure is missing. */
export function shareOfCeiling(entry: Comparison["metrics"][string] | undefined): number | undefined {
  if (!entry || entry.target === null || entry.ceiling === null || entry.target === 0 || entry.ceiling === 0) return undefined;
  return entry.better === "higher" ? entry.target / entry.ceiling : entry.ceiling / entry.target;
}

const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16"];

function renderTable(bench: BenchResults): string {
  const head = ["metric", ...bench.comparisons.flatMap((c) => [c.target, c.ceiling, "ratio"])];
  const rows = bench.metrics.map((metric) => {
    const cells = bench.comparisons.flatMap((c) => {
      const entry = c.metrics[metric.key];
      const figure = (v: number | null | undefined) => (v === null || v === undefined ? "not measured" : formatNumber(v));
      return [figure(entry?.target), figure(entry?.ceiling), entry?.ratio === null || entry?.ratio === undefined ? "—" : `×${formatNumber(entry.ratio)}`];
    });
    return `<tr><th scope="row">${escapeHtml(`${metric.label} (${metric.unit}, ${metric.better} is better)`)}</th>${cells.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`;
  });
  return `<table class="bench"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function renderChart(bench: BenchResults): string {
  const WIDTH = 760;
  const LABEL_W = 260;
  const BAR_H = 14;
  const GAP = 3;
  const GROUP_GAP = 12;
  const shares = bench.metrics.map((m) => bench.comparisons.map((c) => shareOfCeiling(c.metrics[m.key])));
  const max = Math.max(1.2, ...shares.flat().filter((v): v is number => v !== undefined)) * 1.1;
  const plotW = WIDTH - LABEL_W - 90;
  const x = (v: number) => LABEL_W + (v / max) * plotW;
  const perGroup = bench.comparisons.length * (BAR_H + GAP) + GROUP_GAP;
  const height = 26 + bench.metrics.length * perGroup;
  const parts: string[] = [];
  bench.comparisons.forEach((c, i) => {
    parts.push(
      `<rect x="${LABEL_W + i * 110}" y="4" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${LABEL_W + i * 110 + 16}" y="14" class="legend">${escapeHtml(c.target)}</text>`,
    );
  });
  bench.metrics.forEach((metric, g) => {
    const top = 26 + g * perGroup;
    const groupH = bench.comparisons.length * (BAR_H + GAP);
    parts.push(`<text x="${LABEL_W - 8}" y="${top + groupH / 2 + 4}" text-anchor="end" class="check">${escapeHtml(metric.label)}</text>`);
    parts.push(`<line x1="${x(1)}" x2="${x(1)}" y1="${top - 3}" y2="${top + groupH}" class="bound"><title>the runtime's raw ceiling</title></line>`);
    bench.comparisons.forEach((c, i) => {
      const y = top + i * (BAR_H + GAP);
      const share = shares[g]![i];
      if (share === undefined) {
        parts.push(`<text x="${LABEL_W + 4}" y="${y + BAR_H - 3}" class="missing">not measured on ${escapeHtml(c.target)}</text>`);
        return;
      }
      const w = Math.max(1, x(share) - LABEL_W);
      parts.push(
        `<rect class="bar bench-bar" data-metric="${escapeHtml(metric.key)}" data-target="${escapeHtml(c.target)}" x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeHtml(`${metric.label} on ${c.target}: ${formatNumber(share)} of its ceiling`)}</title></rect>`,
        `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 3}" class="value">${formatNumber(share)}</text>`,
      );
    });
  });
  const title = "Share of the runtime's raw ceiling (1 = the ceiling, dashed; more is better)";
  return (
    `<figure class="chart" id="chart-bench"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">${parts.join("")}</svg></figure>`
  );
}

/** The benchmark section, or a line saying how to produce one. */
export function renderBenchSection(bench: BenchResults | undefined): string {
  if (!bench || bench.comparisons.length === 0) {
    return `<h2>Benchmark</h2><p>No benchmark results: run <code>./run-test.sh bench node deno bun</code> (runs/bench.json), then <code>./run-test.sh publish</code>.</p>`;
  }
  const load = bench.machine?.atStart?.loadAverage?.[0];
  const loadEnd = bench.machine?.loadAverageAtEnd?.[0];
  const context = `${bench.command ? `made by ${bench.command}, ` : ""}run ${bench.startedAt}, ${formatNumber(bench.wallMs / 1000)} s; load average ${load === undefined ? "?" : formatNumber(load)} at the start, ${loadEnd === undefined ? "?" : formatNumber(loadEnd)} at the end; medians of the repeats (results/bench.json has the spread)`;
  return `<h2>Benchmark</h2><p>${escapeHtml(context)}.</p>${renderChart(bench)}${renderTable(bench)}`;
}
