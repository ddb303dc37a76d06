/**
 * The benchmark in the HTML report: results/bench.json (written by `./run-test.sh bench`) as a table
 * of every subject's figures (our dispatcher's targets, the peers: the code users write instead, and
 * the raw ceilings), each with its ratio to the runtime's ceiling and a peer's also to our
 * dispatcher's, and a chart of the shares of the ceiling. A share is subject ÷ ceiling where higher
 * is better, ceiling ÷ subject where lower is better, so that 1 is the ceiling on every row and more
 * is better.
 */
import { existsSync, readFileSync } from "node:fs";
import type { ComparedFigure, Comparison, Metric } from "../../bench/summary.ts";
import { escapeHtml } from "./html-escape.ts";
import { SCHEMA_VERSIONS } from "../model/schema.ts";
import { formatNumber } from "./format.ts";

export interface BenchResults {
  schemaVersion: 2;
  startedAt: string;
  /** The command that made the file. */
  command?: string;
  wallMs: number;
  metrics: Omit<Metric, "value">[];
  comparisons: Comparison[];
  machine?: { atStart?: { cores?: number; loadAverage?: number[] }; loadAverageAtEnd?: number[] };
  versions?: Record<string, unknown>;
}

/** results/bench.json of the current schema, or undefined (absent, unreadable or older). */
export function readBenchResults(file: string): BenchResults | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as BenchResults & { kind?: string };
    return parsed.kind === "sse-compat-bench" && parsed.schemaVersion === SCHEMA_VERSIONS.bench ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** subject ÷ ceiling turned so that more is better; undefined where either figure is missing. */
export function shareOfCeiling(entry: ComparedFigure | undefined): number | undefined {
  if (!entry || entry.subject === null || entry.ceiling === null || entry.subject === 0 || entry.ceiling === 0) return undefined;
  return entry.better === "higher" ? entry.subject / entry.ceiling : entry.ceiling / entry.subject;
}

const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568", "#9b2c2c", "#276749"];

/** One row per metric, one column per subject: the figure, then c×ratio to the ceiling, d×ratio to our dispatcher. */
function renderTable(bench: BenchResults): string {
  const ceilings = [...new Set(bench.comparisons.map((c) => c.ceiling).filter((c): c is string => c !== null))];
  const head = ["metric", ...bench.comparisons.map((c) => (c.kind === "peer" ? `${c.subject} (beside ${c.dispatcher})` : c.subject)), ...ceilings];
  const figure = (v: number | null | undefined) => (v === null || v === undefined ? "not measured" : formatNumber(v));
  const rows = bench.metrics.map((metric) => {
    const cells = bench.comparisons.map((c) => {
      const entry = c.metrics[metric.key];
      const ratios = [entry?.ratio == null ? "" : `c×${formatNumber(entry.ratio)}`, entry?.ratioToDispatcher == null ? "" : `d×${formatNumber(entry.ratioToDispatcher)}`].filter(Boolean);
      return [figure(entry?.subject), ...ratios].join(" ");
    });
    const ceilingCells = ceilings.map((id) => figure(bench.comparisons.find((c) => c.ceiling === id)?.metrics[metric.key]?.ceiling));
    return `<tr><th scope="row">${escapeHtml(`${metric.label} (${metric.unit}, ${metric.better} is better)`)}</th>${[...cells, ...ceilingCells].map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`;
  });
  const legend = "c×N: the figure ÷ its runtime's raw ceiling's; d×N: a peer's figure ÷ our dispatcher's on the same runtime";
  return `<table class="bench"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table><p>${escapeHtml(legend)}.</p>`;
}

function renderChart(bench: BenchResults): string {
  const WIDTH = 860;
  const LABEL_W = 260;
  const BAR_H = 14;
  const GAP = 3;
  const GROUP_GAP = 12;
  const shares = bench.metrics.map((m) => bench.comparisons.map((c) => shareOfCeiling(c.metrics[m.key])));
  const max = Math.max(1.2, ...shares.flat().filter((v): v is number => v !== undefined)) * 1.1;
  const plotW = WIDTH - LABEL_W - 90;
  const x = (v: number) => LABEL_W + (v / max) * plotW;
  const perGroup = bench.comparisons.length * (BAR_H + GAP) + GROUP_GAP;
  // The legend, three subjects a line (peer ids are long).
  const LEGEND_PER_LINE = 3;
  const LEGEND_W = (WIDTH - LABEL_W) / LEGEND_PER_LINE;
  const legendLines = Math.ceil(bench.comparisons.length / LEGEND_PER_LINE);
  const chartTop = 10 + legendLines * 16;
  const height = chartTop + bench.metrics.length * perGroup;
  const parts: string[] = [];
  bench.comparisons.forEach((c, i) => {
    const lx = LABEL_W + (i % LEGEND_PER_LINE) * LEGEND_W;
    const ly = 4 + Math.floor(i / LEGEND_PER_LINE) * 16;
    parts.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${lx + 16}" y="${ly + 10}" class="legend">${escapeHtml(c.subject)}</text>`,
    );
  });
  bench.metrics.forEach((metric, g) => {
    const top = chartTop + g * perGroup;
    const groupH = bench.comparisons.length * (BAR_H + GAP);
    parts.push(`<text x="${LABEL_W - 8}" y="${top + groupH / 2 + 4}" text-anchor="end" class="check">${escapeHtml(metric.label)}</text>`);
    parts.push(`<line x1="${x(1)}" x2="${x(1)}" y1="${top - 3}" y2="${top + groupH}" class="bound"><title>the runtime's raw ceiling</title></line>`);
    bench.comparisons.forEach((c, i) => {
      const y = top + i * (BAR_H + GAP);
      const share = shares[g]![i];
      if (share === undefined) {
        parts.push(`<text x="${LABEL_W + 4}" y="${y + BAR_H - 3}" class="missing">not measured on ${escapeHtml(c.subject)}</text>`);
        return;
      }
      const w = Math.max(1, x(share) - LABEL_W);
      parts.push(
        `<rect class="bar bench-bar" data-metric="${escapeHtml(metric.key)}" data-subject="${escapeHtml(c.subject)}" x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeHtml(`${metric.label} on ${c.subject}: ${formatNumber(share)} of its ceiling`)}</title></rect>`,
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
