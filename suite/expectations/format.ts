/**
 * The expectations file, schemaVersion 2: expectations/<target>.json lists that target's deviations
 * only, as web-platform-tests' expectation files do. A check absent from the file is expected to
 * pass, so that adding a check touches only the files of the targets where it does not pass.
 *
 * Each entry says what happens instead of a pass and why: a `status` (fail, timeout, error, skip),
 * or, for a check measured to vary, `flaky` with the statuses seen and how often; then the `cause`,
 * the `evidence` and, where one exists, the `upstream` links. Version 1 (no schemaVersion) listed
 * every check, passes included, with the why nested in `reason`: it is refused, not guessed at.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Status } from "../model/results.ts";
import { SCHEMA_VERSIONS } from "../model/schema.ts";
import { ROOT } from "../files/paths.ts";

/** The version this suite reads: the one suite/model/schema.ts holds for every kind of file. */
export const SCHEMA_VERSION = SCHEMA_VERSIONS.expectations;

/** What a deviation can be: every status but the default. */
export type DeviationStatus = Exclude<Status, "pass">;

/** A check measured to vary between runs: any of these statuses is expected. */
export interface Flaky {
  /** How many of the measured runs ended in each status, e.g. { pass: 28, timeout: 2 }. */
  statuses: Partial<Record<Status, number>>;
  /** What was measured: how many runs of what, when, at which suite commit. */
  of: string;
}

interface Why {
  /** Why it does not pass, in a sentence. */
  cause: string;
  /** Where the evidence is: the result's field and what it said, a re-run by hand, a measurement. */
  evidence: string;
  upstream?: string[];
}

/** One check that does not (always) pass on the target: a status, or a flaky declaration, never both. */
export type Deviation = Why & ({ status: DeviationStatus; flaky?: undefined } | { flaky: Flaky; status?: undefined });

export interface ExpectationsFile {
  schemaVersion: typeof SCHEMA_VERSION;
  target: string;
  /** The run the expectations were written from. */
  writtenFrom: { runtimeVersion: string; date: string; suiteCommit: string };
  /** The deviations, by check id; every other check is expected to pass. */
  checks: Record<string, Deviation>;
}

/** A file that cannot be read as expectations: said in one line, naming the file. */
export class ExpectationsFileError extends Error {
  override name = "ExpectationsFileError";
}

export const EXPECTATIONS_DIR = join(ROOT, "expectations");

export function expectationsPath(target: string, dir = EXPECTATIONS_DIR): string {
  return join(dir, `${target}.json`);
}

/** The targets that have an expectations file, by file name. */
export function expectationTargets(dir = EXPECTATIONS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length));
}

/** The statuses that match: the entry's, any of a flaky one's, or the default pass without an entry. */
export function expectedStatuses(deviation: Deviation | undefined): Status[] {
  if (!deviation) return ["pass"];
  if (deviation.flaky) return Object.keys(deviation.flaky.statuses) as Status[];
  return [deviation.status];
}

/** A file inside the repository is named from its root, so that no message shows where the checkout is. */
function shown(file: string): string {
  const inside = relative(ROOT, file);
  return inside.startsWith("..") ? file : inside;
}

/** The target's expectations; undefined without a file. A file of another schemaVersion is refused. */
export function readExpectations(target: string, dir = EXPECTATIONS_DIR): ExpectationsFile | undefined {
  const file = expectationsPath(target, dir);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { schemaVersion?: unknown };
  if (parsed.schemaVersion !== SCHEMA_VERSION) {
    const found = parsed.schemaVersion === undefined ? "no schemaVersion (version 1, every check listed)" : `schemaVersion ${JSON.stringify(parsed.schemaVersion)}`;
    throw new ExpectationsFileError(`${shown(file)}: ${found}; expected schemaVersion ${SCHEMA_VERSION} (deviations only)`);
  }
  return parsed as ExpectationsFile;
}
