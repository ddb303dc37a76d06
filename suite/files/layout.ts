/**
 * The one owner of file names in a runs folder (runs/, scratch) and in results/ (published): both
 * hold the same tree, so that publishing is a copy. No other module builds or parses these names;
 * what a file is about (target, version, check) is also inside it.
 *
 *   README.md                                  results/ only: the generated index
 *   compat.json  report.html  bench.json
 *   <target>/run.json                          a target's whole run (bun, deno+no-legacy-abort, a user's target)
 *   <target>/run.partial.json                  a subset (--only): never published
 *   <target>/run.shard-2-of-8.json             one shard of a split run (--shard 2/8): merge joins them
 *   <target>/versions/<version>.json           a whole run at another runtime version (bun@1.1.26)
 *   <target>/versions/<version>.partial.json   … a subset at that version (a matrix's closing step)
 *   <target>/matrix.json  <target>/matrix.md   the target's version matrix
 *   <target>/bisect/<check>/<from>_to_<to>.json  one bisect log per check and interval
 *
 * Names hold no character a shell treats as a pattern: a browser check's `[engine]` becomes
 * `.engine` (`browser.reconnect.firefox`), an interval `1.1.26_to_1.1.38`.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { splitVersion } from "../model/target-id.ts";

export interface RunFileKind {
  /** A subset (--only). */
  partial?: boolean;
  /** One shard of a split run (--shard). */
  shard?: { index: number; total: number };
}

/** A run file found in a folder, with what its name says. */
export interface RunEntry extends RunFileKind {
  file: string;
  /** Relative to the folder: what a table or matrix shows as its source. */
  path: string;
  /** The target's folder name (its id without a version). */
  folder: string;
  /** The runtime version, for a run in versions/. */
  version?: string;
}

/** A target's folder: its id without a version; anything but letters, digits and `+._-` becomes `_` (`fixture:flawless` → `fixture_flawless`). */
export function targetFolder(base: string): string {
  return base.replace(/[^a-zA-Z0-9+._-]/g, "_");
}

/** Runs of the calibration fixtures (`fixture:<name>`): never published. */
export function isFixtureFolder(folder: string): boolean {
  return folder.startsWith("fixture_");
}

function kindSuffix(kind: RunFileKind): string {
  return kind.shard ? `.shard-${kind.shard.index}-of-${kind.shard.total}` : kind.partial ? ".partial" : "";
}

/** Where the run of `id` (`bun`, `bun@1.1.26`, `fixture:flawless`) goes in `dir`. */
export function runPath(dir: string, id: string, kind: RunFileKind = {}): string {
  const { base, version } = splitVersion(id);
  const folder = join(dir, targetFolder(base));
  return version === undefined ? join(folder, `run${kindSuffix(kind)}.json`) : join(folder, "versions", `${version}${kindSuffix(kind)}.json`);
}

const RUN_NAME = /^run(?:\.(partial)|\.shard-(\d+)-of-(\d+))?\.json$/;
const VERSION_NAME = /^(\d[\w.-]*?)(?:\.(partial)|\.shard-(\d+)-of-(\d+))?\.json$/;

function entry(dir: string, path: string, folder: string, match: RegExpExecArray, offset: number, version?: string): RunEntry {
  const [partial, index, total] = [match[offset], match[offset + 1], match[offset + 2]];
  return {
    file: join(dir, path),
    path,
    folder,
    ...(version !== undefined ? { version } : {}),
    ...(partial ? { partial: true } : {}),
    ...(index ? { shard: { index: Number(index), total: Number(total) } } : {}),
  };
}

/** Target folders in `dir`, sorted. */
export function targetFolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Every run file in `dir` (of one target folder, or all), sorted by path. */
export function listRuns(dir: string, folder?: string): RunEntry[] {
  const found: RunEntry[] = [];
  for (const name of folder === undefined ? targetFolders(dir) : [folder]) {
    const targetDir = join(dir, name);
    if (!existsSync(targetDir)) continue;
    for (const file of readdirSync(targetDir).sort()) {
      const match = RUN_NAME.exec(file);
      if (match) found.push(entry(dir, join(name, file), name, match, 1));
    }
    const versionsDir = join(targetDir, "versions");
    if (!existsSync(versionsDir)) continue;
    for (const file of readdirSync(versionsDir).sort()) {
      const match = VERSION_NAME.exec(file);
      if (match) found.push(entry(dir, join(name, "versions", file), name, match, 2, match[1]!));
    }
  }
  return found;
}

/** A whole run: not a subset, not a shard. */
export const isWhole = (run: RunEntry) => !run.partial && !run.shard;

/** The matrix of `target` in `dir`. */
export function matrixPaths(dir: string, target: string): { json: string; markdown: string } {
  const folder = join(dir, targetFolder(target));
  return { json: join(folder, "matrix.json"), markdown: join(folder, "matrix.md") };
}

/** `browser.reconnect[firefox]` → `browser.reconnect.firefox`. */
export function checkFolder(check: string): string {
  return check.replace(/\[([a-z]+)\]$/, ".$1");
}

/** One log per check and interval, so that a check with two boundaries keeps both bisections. */
export function bisectLogPath(dir: string, target: string, check: string, good: string, bad: string): string {
  return join(dir, targetFolder(target), "bisect", checkFolder(check), `${good}_to_${bad}.json`);
}

/** Every bisect log of `target` in `dir`, sorted by path (relative to `dir`), with its check's folder. */
export function listBisectLogs(dir: string, target: string): { file: string; path: string; check: string }[] {
  const root = join(dir, targetFolder(target), "bisect");
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .flatMap((check) =>
      readdirSync(join(root, check))
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => ({ file: join(root, check, f), path: join(targetFolder(target), "bisect", check, f), check })),
    );
}

/** The files at the top of the folder. */
export const topFiles = (dir: string) => ({
  compat: join(dir, "compat.json"),
  report: join(dir, "report.html"),
  bench: join(dir, "bench.json"),
  index: join(dir, "README.md"),
});
