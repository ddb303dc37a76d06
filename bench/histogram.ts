/**
 * Latency histograms (HdrHistogram: fixed relative precision, mergeable across processes) and the
 * summary of repeated runs: the median, with min and max as the spread.
 */
import * as hdr from "hdr-histogram-js";

export type Histogram = hdr.Histogram;

/** Microseconds, 1 µs to 2 minutes, 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

export const encodeHistogram = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);

/** Merges encoded histograms (one per client process) into one. */
export function mergeHistograms(encoded: string[]): Histogram {
  const total = newHistogram();
  for (const text of encoded) total.add(hdr.decodeFromCompressedBase64(text));
  return total;
}

/** A percentile in ms (histograms hold µs); null when nothing was recorded. */
export function percentileMs(h: Histogram, percentile: number): number | null {
  return h.totalCount === 0 ? null : round(h.getValueAtPercentile(percentile) / 1000, 3);
}

/** Repeated measurements of one figure: the median is the figure, min..max the spread. */
export interface Stat {
  median: number | null;
  min: number | null;
  max: number | null;
  runs: (number | null)[];
}

export function stat(runs: (number | null)[]): Stat {
  const values = runs.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (values.length === 0) return { median: null, min: null, max: null, runs };
  const mid = values.length >> 1;
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { median: round(median, 3), min: values[0]!, max: values[values.length - 1]!, runs };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
