/**
 * Published versions of a runtime's npm package (`npm view <pkg> versions --json`, the same registry
 * the runtimes come from), and the selections the matrix and bisect commands make from them.
 */
import { compareVersions, parseVersion, sortVersions, VersionSpecError } from "../model/versions.ts";

/** The published versions from `from` to `to`, both included; both must be published. */
export function versionsBetween(published: string[], from: string, to: string): string[] {
  for (const v of [from, to]) {
    if (!published.includes(v)) throw new VersionSpecError(`${v} is not a published version (nearest: ${nearest(published, v)})`);
  }
  const [low, high] = compareVersions(from, to) <= 0 ? [from, to] : [to, from];
  return published.filter((v) => compareVersions(v, low) >= 0 && compareVersions(v, high) <= 0);
}

/** "1.1" → [1, 1]. */
function parseMinor(spec: string): [number, number] {
  const match = /^(\d+)\.(\d+)$/.exec(spec);
  if (!match) throw new VersionSpecError(`bad minor ${JSON.stringify(spec)}: expected MAJOR.MINOR, e.g. 1.1`);
  return [Number(match[1]), Number(match[2])];
}

/**
 * `--minors 1.1..1.4`: the newest published patch of each minor from 1.1 to 1.4 (minors with no
 * release are absent, e.g. none between 0.8 and 1.0).
 */
export function latestPatchOfEachMinor(published: string[], range: string): string[] {
  const parts = range.split("..");
  if (parts.length !== 2) throw new VersionSpecError(`bad --minors ${JSON.stringify(range)}: expected FROM..TO, e.g. 1.1..1.4`);
  const [from, to] = [parseMinor(parts[0]!), parseMinor(parts[1]!)];
  const key = (m: [number, number]) => m[0] * 100_000 + m[1];
  const newest = new Map<number, string>();
  for (const v of published) {
    const [major, minor] = parseVersion(v)!;
    const k = key([major, minor]);
    if (k < key(from) || k > key(to)) continue;
    const seen = newest.get(k);
    if (!seen || compareVersions(v, seen) > 0) newest.set(k, v);
  }
  const picked = sortVersions([...newest.values()]);
  if (picked.length === 0) throw new VersionSpecError(`no published version between ${parts[0]} and ${parts[1]}`);
  return picked;
}

/**
 * `--majors 22..26`: the newest published version of each major from 22 to 26 (Node's releases are
 * majors; a minor of Node is a feature release within one).
 */
export function latestOfEachMajor(published: string[], range: string): string[] {
  const match = /^(\d+)\.\.(\d+)$/.exec(range);
  if (!match) throw new VersionSpecError(`bad --majors ${JSON.stringify(range)}: expected FROM..TO, e.g. 22..26`);
  const [from, to] = [Number(match[1]), Number(match[2])];
  const newest = new Map<number, string>();
  for (const v of published) {
    const [major] = parseVersion(v)!;
    if (major < from || major > to) continue;
    const seen = newest.get(major);
    if (!seen || compareVersions(v, seen) > 0) newest.set(major, v);
  }
  const picked = sortVersions([...newest.values()]);
  if (picked.length === 0) throw new VersionSpecError(`no published version between ${from} and ${to}`);
  return picked;
}

/** The published versions closest to `version`, for an error message. */
export function nearest(published: string[], version: string): string {
  const at = parseVersion(version) ? published.findIndex((v) => compareVersions(v, version) >= 0) : -1;
  const index = at === -1 ? published.length : at;
  return published.slice(Math.max(0, index - 2), index + 2).join(", ") || "none";
}

/** True when no published version lies strictly between `a` and `b` (a < b). */
export function adjacent(published: string[], a: string, b: string): boolean {
  return !published.some((v) => compareVersions(v, a) > 0 && compareVersions(v, b) < 0);
}
