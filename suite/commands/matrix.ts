/**
 * `./run-test.sh matrix <target> <version>... [--minors A..B] [--only PATTERN]... [--report-only]`:
 * runs the suite (or a subset) on each runtime version in turn (never two at once: the machine has
 * 2 cores), writes runs/<target>/versions/<version>.json (.partial.json for a subset), then the version
 * table of every result of that target: <target>/matrix.md and .json, with the ranges where
 * each check passes ("since 1.1.27") and version_added / version_removed.
 *
 *   node suite/commands/matrix.ts bun 1.1.26 1.1.27 1.4.5
 *   node suite/commands/matrix.ts bun --minors 1.1..1.4 --only 'disconnect.*'
 *   node suite/commands/matrix.ts node --majors 22..26                (the newest of each major)
 *   node suite/commands/matrix.ts bun --report-only          (the table again from the results present)
 *   node suite/commands/matrix.ts bun --minors 1.0..1.4 --close-holes   (then bisect every hole)
 *
 * --close-holes: after the versions (or alone, from the results present), every boundary with
 * untested published versions between its sides is bisected (suite/versions/close-holes.ts), the
 * checks of one hole in one run per version, until each lies between adjacent versions; both sides
 * of each are run once more.
 *
 * Progress: every result line says the version, the check, the time elapsed and an estimate of what
 * is left. Resume: a version whose results are already in runs/ (same checks, same suite commit, a
 * clean checkout) is taken from there instead of run again, so that an interrupted matrix goes on
 * where it stopped; --fresh runs every version again.
 *
 * Exit 0 when written, 2 when it could not run (unknown target or version, bad arguments).
 */
import { checksOption, concurrencyOption, parseCommandLine, runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { closeHoles } from "../versions/close-holes.ts";
import { buildMatrix, loadMatrixData, writeMatrix } from "../versions/matrix-report.ts";
import { latestOfEachMajor, latestPatchOfEachMinor, nearest } from "../versions/published.ts";
import { publishedVersions } from "../targets/runtime-versions.ts";
import { sortVersions, VersionSpecError } from "../model/versions.ts";
import { existsSync } from "node:fs";
import { readRun, runFile } from "../files/run-files.ts";
import { RUNS_DIR } from "../files/paths.ts";
import { suiteCommit } from "../harness/runner.ts";
import { MatrixProgress } from "../versions/progress.ts";
import { runtimeOfTarget, runVersion } from "../versions/run-version.ts";
import { resultLine } from "./result-line.ts";

const USAGE = "usage: ./run-test.sh matrix <target> [<version>...] [--minors A..B] [--majors A..B] [--only PATTERN]... [--concurrency N] [--fresh] [--close-holes] [--report-only]";

/** The results an interrupted matrix left for `version`, if they can stand for a new run: the same checks, at the same clean suite commit. */
function earlierRun(target: string, version: string, checkIds: string[], partial: boolean, commit: string): string | null {
  const file = runFile(`${target}@${version}`, { partial });
  if (!existsSync(file) || commit.endsWith("+dirty") || commit === "unknown") return null;
  const earlier = readRun(file);
  if (earlier.run.suiteCommit !== commit || earlier.checks.map((c) => c.id).join("\n") !== checkIds.join("\n")) return null;
  return earlier.run.date;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {
        minors: { type: "string" },
        majors: { type: "string" },
        only: { type: "string", multiple: true },
        concurrency: { type: "string" },
        "report-only": { type: "boolean" },
        fresh: { type: "boolean" },
        "close-holes": { type: "boolean" },
      });
  const { values, positionals } = parsed;
  const [target, ...requested] = positionals;
  if (!target) throw new UsageError("expected a target, e.g. bun");
  const runtime = runtimeOfTarget(target);
  const published = publishedVersions(runtime);

  let versions: string[] = [];
  if (!values["report-only"]) {
    for (const v of requested) {
      if (!published.includes(v)) throw new VersionSpecError(`${runtime} ${v} is not a published version (nearest: ${nearest(published, v)}); give exact versions`);
    }
    const picked = [...(values.minors ? latestPatchOfEachMinor(published, values.minors) : []), ...(values.majors ? latestOfEachMajor(published, values.majors) : [])];
    versions = sortVersions([...new Set([...requested, ...picked])]);
    if (versions.length === 0 && !values["close-holes"]) throw new UsageError("expected versions, --minors A..B, --majors A..B, --close-holes or --report-only");
  } else if (requested.length || values.minors || values.majors || values.only || values.fresh || values["close-holes"]) {
    throw new UsageError("--report-only takes no versions, --minors, --majors, --only, --fresh or --close-holes");
  }
  const concurrency = concurrencyOption(values.concurrency);
  const checks = checksOption(values.only);

  const startedAt = performance.now();
  if (versions.length) console.log(`sse-compat matrix: ${checks.length} checks on ${target} at ${versions.length} ${runtime} versions, one after another: ${versions.join(", ")}`);
  const partial = values.only !== undefined;
  const commit = suiteCommit();
  const progress = new MatrixProgress(versions.length, checks.length);
  for (const [i, version] of versions.entries()) {
    const earlier = values.fresh ? null : earlierRun(target, version, checks.map((c) => c.id), partial, commit);
    if (earlier) {
      progress.skipVersion(i + 1);
      console.log(`\n[version ${i + 1}/${versions.length}] ${target}@${version}: results of ${earlier} at suite ${commit} already in ${runFile(`${target}@${version}`, { partial })} (--fresh runs it again)`);
      continue;
    }
    progress.startVersion(i + 1);
    console.log(`\n${progress.label()} ${target}@${version}`);
    const run = await runVersion(target, version, checks, {
      partial,
      concurrency,
      onResult: (r) => {
        progress.checkDone();
        console.log(`${resultLine(r)}\n    ${progress.label()}`);
      },
    });
    progress.endVersion();
    const passed = run.results.checks.filter((r) => r.status === "pass").length;
    console.log(`${target}@${run.version}: ${passed}/${run.results.checks.length} passed, wall time ${(run.results.wallMs / 1000).toFixed(1)} s; results in ${run.file}`);
  }

  if (values["close-holes"]) {
    const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;
    console.log(`\n${target}: closing the holes (boundaries with untested versions between their sides) by bisection`);
    const closing = await closeHoles({
      target,
      published,
      dir: RUNS_DIR,
      ...(values.only ? { checks: checks.map((c) => c.id) } : {}),
      load: () => loadMatrixData(target),
      run: async (version, ids) => {
        const run = await runVersion(target, version, checks.filter((c) => ids.includes(c.id)), { partial: true, concurrency, write: false });
        return { results: run.results.checks, date: run.results.run.date };
      },
      log: (line) => console.log(line.startsWith(" ") ? line : `${line} [${elapsed()} elapsed]`),
    });
    console.log(`closing: ${closing.runs} runs (${closing.checkRuns} check runs), ${closing.closed.length} boundaries pinned to adjacent versions`);
    for (const c of closing.closed) console.log(`  ${c.check.padEnd(34)} ${c.from} on ${c.before} → ${c.to} on ${c.after}${c.confirmed ? " (confirmed by a re-run of both sides)" : " (NOT confirmed: a side flipped on re-run)"}`);
    for (const o of closing.open) console.log(`  still open: ${o.check} between ${o.before} and ${o.after}: ${o.why}`);
  }

  const model = buildMatrix(loadMatrixData(target), published);
  if (model.versions.length === 0) throw new UsageError(`no results of ${target} at any version yet: run it with versions first`);
  const files = writeMatrix(model);
  console.log(`\n${target}: ${model.versions.length} versions with results (${model.versions.join(", ")})`);
  for (const c of model.checks) {
    if (c.ranges.segments.length > 1 || versions.length === 0) console.log(`  ${c.id.padEnd(32)}${c.ranges.summary}   [${c.ranges.lines.join(" · ")}]`);
  }
  const steady = model.checks.filter((c) => c.ranges.segments.length === 1).length;
  if (versions.length) console.log(`  (${steady} checks unchanged over those versions)`);
  for (const x of model.contradictions) console.log(`  contradicts upstream: ${x.check} on ${runtime} ${x.version}: ${x.observed.status}, upstream says ${x.claim.says} (${x.claim.upstream.join(", ")})`);
  if (versions.length) console.log(`matrix wall time ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  console.log(`wrote ${files.markdown}, ${files.json}`);
  return 0;
}

runCommand(main, { name: "run-test.sh matrix", usage: USAGE, userErrors: [VersionSpecError] });
