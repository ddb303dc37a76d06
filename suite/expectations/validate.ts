/**
 * Problems of an expectations file itself, before any run is compared with it: each entry must be a
 * real deviation of a check the suite has, with the cause and where the evidence is. An entry that
 * says pass is refused rather than ignored: pass is the default, and a file that repeats it drifts
 * back to listing every check.
 */
import type { Status } from "../model/results.ts";
import { ALL_CHECKS } from "../checks/registry.ts";
import type { Deviation, ExpectationsFile } from "./format.ts";

const STATUSES: readonly Status[] = ["pass", "fail", "timeout", "error", "skip"];
const FIELDS = new Set(["status", "flaky", "cause", "evidence", "upstream"]);

/** The problems of `file` as target's expectations; none when it is sound. `checks`: the suite's check ids (the registry's). */
export function validateExpectations(file: ExpectationsFile, target: string, checks: readonly string[] = ALL_CHECKS.map((c) => c.id)): string[] {
  const problems: string[] = [];
  if (file.target !== target) problems.push(`${target}: the file says target ${JSON.stringify(file.target)}`);
  const known = new Set(checks);
  for (const [id, deviation] of Object.entries(file.checks)) {
    const say = (problem: string) => problems.push(`${target}: ${id} ${problem}`);
    if (!known.has(id)) say("is an unknown check: the registry has no check of that id");
    for (const field of Object.keys(deviation)) if (!FIELDS.has(field)) say(`has an unknown field ${JSON.stringify(field)}`);
    const status = deviation.status as string | undefined;
    if (status === "pass") {
      say("is expected to pass: pass is the default: remove the entry");
      continue;
    }
    if (status === "flaky") say('says status "flaky": flaky is not a status: declare flaky: { statuses, of } instead');
    else if (status !== undefined && !STATUSES.includes(status as Status)) say(`has an unknown status ${JSON.stringify(status)}`);
    if (status !== undefined && deviation.flaky !== undefined) say("has both a status and flaky: a flaky entry's statuses are its flaky.statuses");
    if (status === undefined && deviation.flaky === undefined) say("has neither a status nor flaky");
    if (deviation.flaky !== undefined) problems.push(...flakyProblems(deviation.flaky).map((p) => `${target}: ${id} ${p}`));
    const as = deviation.flaky !== undefined ? "be flaky" : String(status);
    if (!deviation.cause?.trim()) say(`is expected to ${as} without a cause`);
    if (!deviation.evidence?.trim()) say(`is expected to ${as} without an evidence pointer`);
    if (deviation.upstream !== undefined && !(Array.isArray(deviation.upstream) && deviation.upstream.every((u) => typeof u === "string" && u.trim()))) {
      say("has an upstream that is not a list of links");
    }
  }
  return problems;
}

/** A flaky declaration is a measurement: two statuses at least, each seen at least once, and what was run. */
function flakyProblems(flaky: NonNullable<Deviation["flaky"]>): string[] {
  const problems: string[] = [];
  const counts = Object.entries(flaky.statuses ?? {});
  for (const [status, count] of counts) {
    if (!STATUSES.includes(status as Status)) problems.push(`is flaky with an unknown status ${JSON.stringify(status)}`);
    if (!Number.isInteger(count) || (count as number) < 1) problems.push(`is flaky with ${JSON.stringify(count)} runs of ${status}: a count is how many runs ended so, at least 1`);
  }
  const seen = counts.filter(([, count]) => Number.isInteger(count) && (count as number) >= 1);
  if (seen.length < 2) problems.push("is flaky with fewer than two statuses seen: one status is not flaky, say it as status");
  if (!flaky.of?.trim()) problems.push("is flaky without saying what was measured (flaky.of: how many runs, when, at which suite commit)");
  return problems;
}
