/**
 * Inline SVG bar charts of the timing figures, one bar per (check, target), with the check's bound
 * drawn as a dashed line. No library: the report must open from file:// with nothing else.
 */
import type { Status } from "../model/results.ts";
import { checkById } from "../checks/registry.ts";
import { escapeHtml } from "./html-escape.ts";
import { formatNumber, HTML_MARK } from "./format.ts";
import type { ReportModel } from "./model.ts";

export interface ChartSpec {
  id: string;
  title: string;
  /** Checks whose ms figures are drawn, each with the bound its declaration judges the figure by. */
  checks: { id: string; boundMs: number }[];
}

/** A chart of `ids`: each check's bound comes from its declaration (`figure.bound`). */
function chart(id: string, title: string, ids: string[]): ChartSpec {
  return {
    id,
    title,
    checks: ids.map((checkId) => {
      const check = checkById(checkId);
      const bound = check?.figure?.bound;
      if (!check || check.figure?.unit !== "ms" || bound === undefined) throw new Error(`chart ${id}: ${checkId} declares no ms figure with a bound`);
      return { id: checkId, boundMs: check.bounds[bound]! };
    }),
  };
}

export const CHARTS: ChartSpec[] = [
  chart("disconnect-latency", "Disconnect latency: client gone → server notices (worst variant, ms)", [
    "disconnect.signal",
    "disconnect.cancel",
    "disconnect.producer-stops",
  ]),
  chart("exit-time", "Exit time after the signal (ms)", ["sigint.open-streams", "sigint.idle", "sigterm.open-streams"]),
  chart("flush-delay", "Flush delay: publication → arrival at the client (worst of 10 events, ms)", ["flush.per-event"]),
];

/** Stable colours per column, readable on white. */
const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"];

interface Bar {
  check: string;
  target: string;
  column: number;
  value?: number;
  /** The check saw nothing within its bound: `value` is that bound, drawn apart (hatched, "> …"). */
  censored?: boolean;
  status?: Status;
  boundMs: number;
}

function barsFor(spec: ChartSpec, model: ReportModel): Bar[] {
  const rows = new Map(model.groups.flatMap((g) => g.rows.map((r) => [r.id, r] as const)));
  return spec.checks.flatMap(({ id, boundMs }) =>
    model.columns.map((column, index) => {
      const result = rows.get(id)?.cells[index]?.result;
      const value = result?.figure?.unit === "ms" ? result.figure.value : undefined;
      return {
        check: id,
        target: column.target,
        column: index,
        boundMs,
        ...(value !== undefined ? { value } : {}),
        ...(result?.figure?.censored ? { censored: true } : {}),
        ...(result ? { status: result.status } : {}),
      };
    }),
  );
}

const WIDTH = 900;
const LABEL_W = 210;
const VALUE_W = 190;
/** The legend wraps: one entry per column, as many per row as fit. */
const LEGEND_ITEM_W = 250;
const LEGEND_ROW_H = 18;
const BAR_H = 16;
const GAP = 4;
const GROUP_GAP = 14;

export function renderChart(spec: ChartSpec, model: ReportModel): string {
  const bars = barsFor(spec, model);
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0), ...spec.checks.map((c) => c.boundMs)) * 1.05;
  const plotW = WIDTH - LABEL_W - VALUE_W;
  const x = (v: number) => LABEL_W + (v / max) * plotW;
  const perGroup = model.columns.length * (BAR_H + GAP) + GROUP_GAP;
  const perRow = Math.max(1, Math.floor((WIDTH - 10) / LEGEND_ITEM_W));
  const legendH = Math.ceil(model.columns.length / perRow) * LEGEND_ROW_H + 8;
  const height = legendH + spec.checks.length * perGroup + 10;
  // One hatch per colour, for censored bars.
  const parts: string[] = [
    `<defs>${PALETTE.map((colour, i) => `<pattern id="hatch-${spec.id}-${i}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="${colour}"/></pattern>`).join("")}</defs>`,
  ];

  model.columns.forEach((column, i) => {
    const lx = 10 + (i % perRow) * LEGEND_ITEM_W;
    const ly = 4 + Math.floor(i / perRow) * LEGEND_ROW_H;
    parts.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${lx + 16}" y="${ly + 10}" class="legend">${escapeHtml(column.header)}</text>`,
    );
  });

  spec.checks.forEach(({ id, boundMs }, g) => {
    const top = legendH + g * perGroup;
    const groupH = model.columns.length * (BAR_H + GAP);
    parts.push(`<text x="${LABEL_W - 8}" y="${top + groupH / 2 + 4}" text-anchor="end" class="check">${escapeHtml(id)}</text>`);
    const bx = x(boundMs);
    parts.push(
      `<line x1="${bx}" x2="${bx}" y1="${top - 3}" y2="${top + groupH - GAP + 3}" class="bound"><title>bound ${boundMs} ms</title></line>`,
    );
    for (const bar of bars.filter((b) => b.check === id)) {
      const y = top + bar.column * (BAR_H + GAP);
      const mark = bar.status ? HTML_MARK[bar.status] : "—";
      if (bar.value === undefined) {
        parts.push(`<text x="${LABEL_W + 4}" y="${y + BAR_H - 4}" class="missing">${mark} ${bar.status ? "no figure" : "not run"} on ${escapeHtml(bar.target)}</text>`);
        continue;
      }
      const w = Math.max(1, x(bar.value) - LABEL_W);
      const over = bar.value > bar.boundMs || (bar.status !== undefined && bar.status !== "pass");
      // A censored figure is no measurement: nothing was seen within `value` ms. Its bar is hatched
      // and open-ended, and its label says "> value".
      const shown = bar.censored ? `> ${formatNumber(bar.value)} ms (censored)` : `${formatNumber(bar.value)} ms`;
      parts.push(
        `<rect class="bar${over ? " over" : ""}${bar.censored ? " censored" : ""}" data-check="${escapeHtml(id)}" data-target="${escapeHtml(bar.target)}" x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${bar.censored ? `url(#hatch-${spec.id}-${bar.column % PALETTE.length})` : PALETTE[bar.column % PALETTE.length]}">` +
          `<title>${escapeHtml(`${id} on ${bar.target}: ${shown} (${bar.status}), bound ${boundMs} ms`)}</title></rect>`,
        `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 4}" class="value">${mark} ${escapeHtml(shown)}</text>`,
      );
    }
  });

  return (
    `<figure class="chart" id="chart-${spec.id}"><figcaption>${escapeHtml(spec.title)}; dashed line: the bound; a hatched bar: nothing seen within that time (censored, not a measurement)</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(spec.title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">` +
    parts.join("") +
    `</svg></figure>`
  );
}

export function renderCharts(model: ReportModel, specs: ChartSpec[] = CHARTS): string {
  return specs.map((spec) => renderChart(spec, model)).join("\n");
}
