/** How a status and a figure read in a table cell, the same in Markdown and HTML. */
import type { Figure, Status } from "../model/results.ts";

export const STATUS_MARK: Record<Status, string> = {
  pass: "✅",
  fail: "❌",
  timeout: "⏱",
  error: "⚠",
  skip: "➖",
};

/**
 * The marks in HTML: symbols every system font has (the emoji above need an emoji font, which a
 * headless or minimal system may lack), on a coloured badge.
 */
export const HTML_MARK: Record<Status, string> = {
  pass: "✓",
  fail: "✗ fail",
  timeout: "timeout",
  error: "error",
  skip: "skip",
};

/** A cell with no result: the check did not run on that target. */
export const NOT_RUN_MARK = "—";

export const STATUS_MEANING: Record<Status, string> = {
  pass: "pass",
  fail: "fail",
  timeout: "timeout (did not settle in its bound)",
  error: "error (the harness broke)",
  skip: "skip",
};

export const LEGEND = "✅ pass · ❌ fail · ⏱ timeout (did not settle in its bound) · ⚠ error (the harness broke) · ➖ skip · — not run";

const UNIT: Record<Figure["unit"], string> = { ms: "ms", bytes: "B", MB: "MB", count: "", "events/s": "events/s" };

/** Up to 3 significant decimals, no trailing zeros: 39.65, 2000, 0.7. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return Number(value.toFixed(digits)).toLocaleString("en-US", { maximumFractionDigits: digits });
}

/**
 * "39.7 ms worst delay", "10 events received by both". A censored figure (nothing seen within the
 * check's bound) reads as the bound it exceeded, "> 3 s", never as a measurement.
 */
export function formatFigure(figure: Figure | undefined, withLabel = true): string {
  if (!figure) return "";
  const value = figure.censored ? `> ${formatBound(figure.value, figure.unit)}` : formatAmount(figure.value, figure.unit);
  return withLabel ? `${value} ${figure.label}` : value;
}

function formatAmount(value: number, unit: Figure["unit"]): string {
  const shown = UNIT[unit];
  return `${formatNumber(value)}${shown ? ` ${shown}` : ""}`;
}

/** A bound as it was set: a second or more in seconds ("3 s"). */
function formatBound(value: number, unit: Figure["unit"]): string {
  return unit === "ms" && value >= 1000 ? `${formatNumber(value / 1000)} s` : formatAmount(value, unit);
}

/**
 * The key figure of a cell: value and unit, plus the figure's label where it differs from the row's
 * usual one ("2000 ms no headers within"); the row names the usual label.
 */
export function cellFigure(figure: Figure | undefined, rowLabel: string | undefined): string {
  if (!figure) return "";
  return figure.label !== rowLabel ? formatFigure(figure) : formatFigure(figure, false);
}

/** The label most cells of a row use, for the row header ("worst latency"). */
export function usualLabel(figures: (Figure | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const f of figures) if (f) counts.set(f.label, (counts.get(f.label) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
