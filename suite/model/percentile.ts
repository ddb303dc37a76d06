/** The one percentile of the project: nearest rank on sorted values (no interpolation); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
