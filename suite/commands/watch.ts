/**
 * `./run-test.sh watch [<target>...] [--only PATTERN]...`: what a maintainer runs weekly. Runs the
 * suite on the newest published version of each target's runtime (and on a canary dist-tag where the
 * runtime's npm package has one), compares the statuses with the published table (results/: the
 * table's run if it ran that very version, else the published matrix's statuses there, else the
 * table's run at the pinned version), and prints every change with the bisect command that pins it. The runs go to runs/ (scratch); nothing
 * published changes. Default: every runtime target. Exit 0: no change; 1: some; 2: could not run.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import type { CheckResult, Status, TargetResults } from "../model/results.ts";
import { checksOption, concurrencyOption, parseCommandLine, runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { PUBLISHED_DIR, ROOT } from "../files/paths.ts";
import { matrixPaths } from "../files/layout.ts";
import { readVersioned } from "../files/versioned-json.ts";
import { readRun, runFile } from "../files/run-files.ts";
import { distTags, RUNTIME_PACKAGES, RuntimeMissingError, type RuntimeName, UnknownTargetError, publishedVersions } from "../targets/runtime-versions.ts";
import { formatChange, statusChanges } from "../model/status-diff.ts";
import { targetNames, targetSpecs } from "../targets/targets.ts";
import { VersionSpecError } from "../model/versions.ts";
import { runVersion } from "../versions/run-version.ts";
import { resultLine } from "./result-line.ts";

const USAGE = "usage: ./run-test.sh watch [<target>...] [--only PATTERN]... [--concurrency N]";

interface Baseline {
  /** Where the statuses come from, for the reader. */
  source: string;
  version: string;
  checks: CheckResult[];
}

/**
 * What the published table says of `target` at `version`: the table's own run when it ran that
 * version (the newest results), else the published matrix's observations there, else the table's
 * run (at the pinned version: a change may then be the runtime's, between the two versions).
 */
function baseline(target: string, version: string): Baseline {
  const tableFile = runFile(target, { dir: PUBLISHED_DIR });
  if (!existsSync(tableFile)) throw new UsageError(`no published run of ${target} in results/: nothing to compare with (./run-test.sh ${target}, then publish)`);
  const table = readRun(tableFile);
  const fromTable = { source: `${relative(ROOT, tableFile)} (${table.run.runtime} ${table.run.runtimeVersion}, run of ${table.run.date})`, version: table.run.runtimeVersion, checks: table.checks };
  if (table.run.runtimeVersion === version) return fromTable;
  const matrixFile = matrixPaths(PUBLISHED_DIR, target).json;
  if (existsSync(matrixFile)) {
    const matrix = readVersioned<{ checks: Record<string, { observations: { version: string; status: Status; message: string }[] }> }>(matrixFile, "matrix", `./run-test.sh matrix ${target}`);
    const checks = Object.entries(matrix.checks).flatMap(([id, c]) => {
      const seen = c.observations.find((o) => o.version === version);
      return seen ? [{ id, status: seen.status, message: seen.message, evidence: {}, durationMs: 0 }] : [];
    });
    if (checks.length) return { source: `${relative(ROOT, matrixFile)} at ${version}`, version, checks };
  }
  return fromTable;
}

/** The runtime package's dist-tags other than `latest` that name a prerelease channel. */
function channels(runtime: RuntimeName): Record<string, string> {
  return Object.fromEntries(Object.entries(distTags(runtime)).filter(([tag]) => /^(canary|next|nightly|rc|beta)$/.test(tag)));
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { only: { type: "string", multiple: true }, concurrency: { type: "string" } });
  const { values, positionals } = parsed;
  const specs = targetSpecs();
  const runtimeTargets = targetNames().filter((t) => specs[t]);
  const targets = positionals.length ? positionals : runtimeTargets;
  for (const t of targets) if (!specs[t]) throw new UnknownTargetError(`watch runs runtime targets (${runtimeTargets.join(", ")}); ${JSON.stringify(t)} is not one`);
  const checks = checksOption(values.only);
  const concurrency = concurrencyOption(values.concurrency);

  // One registry request per runtime: the newest stable version and any prerelease channel.
  const runtimes = [...new Set(targets.map((t) => specs[t]!.runtime))];
  const newest = new Map<RuntimeName, { version: string; label: string }[]>();
  for (const runtime of runtimes) {
    const latest = publishedVersions(runtime).at(-1);
    if (!latest) throw new VersionSpecError(`no published version of ${RUNTIME_PACKAGES[runtime]}`);
    const extra = channels(runtime);
    newest.set(runtime, [{ version: latest, label: "newest" }, ...Object.entries(extra).map(([tag, version]) => ({ version, label: tag }))]);
    console.log(`${runtime}: newest ${latest} on npm (${RUNTIME_PACKAGES[runtime]})${Object.keys(extra).length ? `; channels ${Object.entries(extra).map(([t, v]) => `${t} ${v}`).join(", ")}` : "; the package has no canary or other prerelease dist-tag"}`);
  }

  let changed = 0;
  const report: string[] = [];
  for (const target of targets) {
    for (const { version, label } of newest.get(specs[target]!.runtime)!) {
      const published = baseline(target, version);
      console.log(`\n${target}@${version} (${label}) against ${published.source}`);
      const run = await runVersion(target, version, checks, { partial: values.only !== undefined, concurrency, onResult: (r) => console.log(resultLine(r)) });
      // Only the cells both have: a check new since the table was published is not a change of the runtime.
      const ran = new Set(run.results.checks.map((r) => r.id));
      const known = new Set(published.checks.map((c) => c.id));
      const changes = statusChanges({ checks: published.checks.filter((c) => ran.has(c.id)) } as TargetResults, { checks: run.results.checks.filter((c) => known.has(c.id)) } as TargetResults);
      changed += changes.length;
      const sameVersion = run.version === published.version;
      report.push(`${target}@${run.version} (${label}): ${changes.length ? `${changes.length} changed` : "no change"} against ${published.source}`);
      for (const change of changes) {
        report.push(`  ${formatChange(change)}`);
        report.push(
          sameVersion
            ? `    the same version as the table's: a flip, a defect of the check to fix (or of the machine), not a runtime change`
            : `    pin it: ./run-test.sh bisect ${target} ${change.id} ${published.version} ${run.version}`,
        );
      }
    }
  }
  console.log(`\n${report.join("\n")}`);
  console.log(changed ? `${changed} changes: each bisect command above finds the first version with the new status` : "no change against the published table");
  return changed ? 1 : 0;
}

runCommand(main, { name: "run-test.sh watch", usage: USAGE, userErrors: [VersionSpecError, UnknownTargetError, RuntimeMissingError] });
