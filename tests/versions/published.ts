/**
 * Published versions of a runtime's npm package (`npm view <pkg> versions --json`, the same registry
 * the runtimes come from), and the selections the matrix and bisect commands make from them.
 */
import { spawnSync } from "node:child_process";
import { ROOT, RUNTIME_PACKAGES, RuntimeMissingError, type RuntimeName } from "../harness/targets.ts";

export class VersionSpecError extends Error {
  override name = "VersionSpecError";
}

type Triple = [number, number, number];

/** "1.1.27" → [1, 1, 27]; prereleases and anything else → undefined. */
export function parseVersion(version: string): Triple | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Numeric order of exact versions ("1.1.9" < "1.1.27"). */
export function compareExact(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) throw new VersionSpecError(`not an exact version: ${pa ? b : a}`);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

export function sortVersions(versions: string[]): string[] {
  return [...new Set(versions)].sort(compareExact);
}

/** Every stable published version of the runtime's package, oldest first (one registry request). */
export function publishedVersions(runtime: RuntimeName): string[] {
  const pkg = RUNTIME_PACKAGES[runtime];
  const result = spawnSync("npm", ["view", pkg, "versions", "--json"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? (result.stderr.split("\n").find((l) => /error|ERR!/.test(l)) ?? `exit ${result.status}`);
    throw new RuntimeMissingError(`cannot list the versions of ${pkg} on the npm registry: ${why}`);
  }
  const listed = ([] as string[]).concat(JSON.parse(result.stdout) as string | string[]);
  return sortVersions(listed.filter((v) => parseVersion(v)));
}

/** The published versions from `from` to `to`, both included; both must be published. */
export function versionsBetween(published: string[], from: string, to: string): string[] {
  for (const v of [from, to]) {
    if (!published.includes(v)) throw new VersionSpecError(`${v} is not a published version (nearest: ${nearest(published, v)})`);
  }
  const [low, high] = compareExact(from, to) <= 0 ? [from, to] : [to, from];
  return published.filter((v) => compareExact(v, low) >= 0 && compareExact(v, high) <= 0);
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
    if (!seen || compareExact(v, seen) > 0) newest.set(k, v);
  }
  const picked = sortVersions([...newest.values()]);
  if (picked.length === 0) throw new VersionSpecError(`no published version between ${parts[0]} and ${parts[1]}`);
  return picked;
}

/** The published versions closest to `version`, for an error message. */
export function nearest(published: string[], version: string): string {
  const at = parseVersion(version) ? published.findIndex((v) => compareExact(v, version) >= 0) : -1;
  const index = at === -1 ? published.length : at;
  return published.slice(Math.max(0, index - 2), index + 2).join(", ") || "none";
}

/** True when no published version lies strictly between `a` and `b` (a < b). */
export function adjacent(published: string[], a: string, b: string): boolean {
  return !published.some((v) => compareExact(v, a) > 0 && compareExact(v, b) < 0);
}
