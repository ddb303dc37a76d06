/**
 * Runtime versions as the project orders them: parsed, compared and sorted, without I/O. One order
 * for the whole project (the installer, the matrices, the curated boundaries).
 */

export class VersionSpecError extends Error {
  override name = "VersionSpecError";
}

type Triple = [number, number, number];

/** "1.1.27" → [1, 1, 27]; prereleases and anything else → undefined. */
export function parseVersion(version: string): Triple | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The one order of versions in the project: numeric, part by part ("1.1.9" < "1.1.27"); a version
 * with fewer parts counts its missing ones as 0 ("1.4" = "1.4.0"). Anything else is refused.
 */
export function compareVersions(a: string, b: string): number {
  return compare(numericParts(a), numericParts(b));
}

function numericParts(version: string): Triple {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(version);
  if (!match) throw new VersionSpecError(`not a version: ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

export function sortVersions(versions: string[]): string[] {
  return [...new Set(versions)].sort(compareVersions);
}
