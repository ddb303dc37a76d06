/**
 * `./run-test.sh bisect <target> <check-id> <version-a> <version-b>`: the first published runtime
 * version between the two where the check's status changes, by binary search over the registry's
 * list (`npm view <pkg> versions --json`): both ends are run, then about log2(n) versions between,
 * each running that one check alone; the two versions around the boundary are then run once more,
 * and a check that flips is reported as such, never hidden. The steps go to
 * <target>/bisect/<check>/<a>_to_<b>.json (suite/files/layout.ts), which the version matrix reads too.
 *
 * Exit 0: a boundary found and confirmed; 1: no change between the ends, a third status between
 * them, or a flip on re-run; 2: could not run.
 */
import { ALL_CHECKS } from "../checks/registry.ts";
import type { CheckResult } from "../model/results.ts";
import { runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { contradictedClaim, UPSTREAM_CLAIMS } from "../curated/notes.ts";
import { formatFigure } from "../table/format.ts";
import { appendBisectStep, bisectLogFile, saveBisectLog, type BisectLog } from "../versions/matrix-report.ts";
import { adjacent, versionsBetween } from "../versions/published.ts";
import { compareVersions, VersionSpecError } from "../model/versions.ts";
import { publishedVersions } from "../targets/runtime-versions.ts";
import { classOf } from "../versions/ranges.ts";
import { runtimeOfTarget, runVersion } from "../versions/run-version.ts";

const USAGE = "usage: ./run-test.sh bisect <target> <check-id> <version-a> <version-b>   (e.g. bisect bun disconnect.cancel 1.1.20 1.1.30)";

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 4 || argv.some((a) => a.startsWith("-"))) throw new UsageError(`expected 4 arguments, got ${argv.length}`);
  const [target, checkId, a, b] = argv as [string, string, string, string];
  const runtime = runtimeOfTarget(target);
  const check = ALL_CHECKS.find((c) => c.id === checkId);
  if (!check) throw new UsageError(`unknown check ${JSON.stringify(checkId)} (one exact id, e.g. disconnect.cancel)`);
  const published = publishedVersions(runtime);
  const versions = versionsBetween(published, a, b);
  if (versions.length < 2) throw new UsageError("give two different versions");
  const expected = Math.ceil(Math.log2(versions.length - 1));
  console.log(
    `bisect ${checkId} on ${target}: ${versions.length} published ${runtime} versions from ${versions[0]} to ${versions.at(-1)}; ` +
      `2 ends, then about log2(${versions.length - 1}) ≈ ${expected} runs between, then 2 re-runs at the boundary`,
  );

  const log: BisectLog = { target, check: checkId, good: a, bad: b, steps: [], runs: 0 };
  const file = bisectLogFile(target, checkId, a, b);
  const startedAt = performance.now();
  const runAt = async (version: string, role: string): Promise<CheckResult> => {
    const run = await runVersion(target, version, [check], { partial: true, concurrency: 1, write: false });
    const result = run.results.checks[0]!;
    appendBisectStep(file, log, result, { version, date: run.results.run.date, role });
    const figure = formatFigure(result.figure);
    console.log(
      `  run ${String(log.runs).padStart(2)}  ${role.padEnd(10)} ${`${runtime} ${version}`.padEnd(14)} ${result.status.padEnd(8)} ${figure.padEnd(30)} ${(result.durationMs / 1000).toFixed(1)} s` +
        (result.status === "pass" ? "" : `\n          ${result.message}`),
    );
    return result;
  };

  // The ends: their statuses are measured, never assumed from the arguments' order.
  let lo = 0;
  let hi = versions.length - 1;
  const loClass = classOf((await runAt(versions[lo]!, "end")).status);
  const hiClass = classOf((await runAt(versions[hi]!, "end")).status);
  // An end that says nothing (error, skip: "unknown") is a status like the others: where a target starts
  // working at all is a boundary too. Its message says why, in the log.
  if (loClass === hiClass) {
    console.log(`bisect: ${checkId} is ${loClass} at both ends (${versions[lo]}, ${versions[hi]}): no change to find (or it changed and changed back); ${log.runs} runs; ${file}`);
    return 1;
  }

  let steps = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    steps++;
    const cls = classOf((await runAt(versions[mid]!, `step ${steps}`)).status);
    if (cls === loClass) lo = mid;
    else if (cls === hiClass) hi = mid;
    else {
      console.log(`bisect: ${versions[mid]} is ${cls}, a third status; the change lies between ${versions[lo]} and ${versions[hi]}; ${log.runs} runs; ${file}`);
      return 1;
    }
    console.log(`          → between ${versions[lo]} (${loClass}) and ${versions[hi]} (${hiClass}), ${hi - lo - 1} untested between`);
  }

  // Confirm: both versions around the boundary once more; a flip is a finding about the check, not noise to hide.
  const again = [classOf((await runAt(versions[lo]!, "confirm")).status), classOf((await runAt(versions[hi]!, "confirm")).status)];
  const confirmed = again[0] === loClass && again[1] === hiClass;
  log.boundary = { before: versions[lo]!, after: versions[hi]!, confirmed };
  saveBisectLog(file, log);
  const wall = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log("");
  if (!confirmed) {
    console.log(
      `bisect: FLIPPED on re-run: ${versions[lo]} was ${loClass} then ${again[0]}, ${versions[hi]} was ${hiClass} then ${again[1]}; ` +
        `${checkId} is not deterministic at this boundary, which is therefore not established (see each run above and in ${file})`,
    );
  } else {
    const exact = adjacent(published, versions[lo]!, versions[hi]!) ? "adjacent published versions" : "not adjacent?";
    console.log(`boundary: ${checkId} on ${target} is ${loClass} on ${runtime} ${versions[lo]} and ${hiClass} from ${runtime} ${versions[hi]} (${exact}; confirmed by a re-run of both)`);
  }
  console.log(`runs: ${log.runs} (2 ends + ${steps} bisection steps + 2 confirmations) for ${versions.length} versions; log2(${versions.length - 1}) ≈ ${expected}; wall time ${wall} s`);
  // What upstream says about these versions, and whether our runs agree.
  const claims = UPSTREAM_CLAIMS.filter((c) => c.checks.includes(checkId) && ("targets" in c.on ? c.on.targets.includes(target) : c.on.runtime === runtime));
  for (const claim of claims) {
    const against = log.steps.filter((s) => contradictedClaim(checkId, { target, runtime, runtimeVersion: s.version, status: s.status }, [claim]));
    const range = [claim.versions?.from ? `from ${claim.versions.from}` : "", claim.versions?.below ? `below ${claim.versions.below}` : ""].filter(Boolean).join(" ") || "every version";
    console.log(
      `upstream (${claim.upstream.join(", ")}) says ${claim.says} ${range}: ` +
        (against.length ? `CONTRADICTED at ${[...new Set(against.map((s) => s.version))].sort(compareVersions).join(", ")}` : "our runs agree"),
    );
  }
  console.log(`log: ${file}`);
  return confirmed ? 0 : 1;
}

runCommand(main, { name: "run-test.sh bisect", usage: USAGE, userErrors: [VersionSpecError] });
