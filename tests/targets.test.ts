/**
 * The targets' tier: the whole suite runs on every target that has an expectations/<target>.json,
 * one target after another, and any unexpected change fails the test with the difference printed:
 * a regression (a check without an entry is expected to pass), a fix, another status, a check the
 * registry does not have or one that no longer runs.
 *
 * A difference must reproduce before it counts: the machine is shared and small, so a timing check
 * can flip once. Each differing check is re-run alone up to three times; a difference that a
 * majority of its re-runs (2 of 3) contradicts is reported as not reproduced and does not fail the
 * test; otherwise it counts. Expectations change only with evidence:
 * update the file by hand, with the cause and where the evidence is.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { closeAllEngines } from "../suite/harness/browsers/registry.ts";
import { ALL_CHECKS } from "../suite/checks/registry.ts";
import { runCheck } from "../suite/harness/check.ts";
import type { Status } from "../suite/model/results.ts";
import { writeRun } from "../suite/files/run-files.ts";
import { runTarget } from "../suite/harness/runner.ts";
import { resolveTarget } from "../suite/targets/targets.ts";
import { compareWithExpectations, describeDifferences, expectationTargets, readExpectations } from "../suite/expectations/compare.ts";

/** Re-runs of a differing check, alone; it takes a majority of them to call a difference not reproduced. */
const RERUNS = 3;
const MAJORITY = Math.floor(RERUNS / 2) + 1;

describe.sequential("the suite on every target with expectations", () => {
  // One browser per engine serves every target's run: the file ends them.
  afterAll(() => closeAllEngines());
  for (const target of expectationTargets()) {
    test(`${target} behaves as expected`, { timeout: 900_000 }, async () => {
      const expectations = readExpectations(target)!;
      const resolved = resolveTarget(target);
      const results = await runTarget(resolved, ALL_CHECKS);
      const file = writeRun(results, { dir: join(tmpdir(), "sse-expectations") });

      const confirmed: string[] = [];
      const notReproduced: string[] = [];
      for (const difference of compareWithExpectations(results, expectations)) {
        const check = ALL_CHECKS.find((c) => c.id === difference.check);
        const expected = difference.expected;
        if (!check || expected === undefined) {
          confirmed.push(difference.line);
          continue;
        }
        const reruns: Status[] = [];
        // A flaky entry's statuses all count as expected.
        const asExpected = () => reruns.filter((s) => expected.includes(s)).length;
        // Stop as soon as the majority is decided either way.
        while (reruns.length < RERUNS && asExpected() < MAJORITY && reruns.length - asExpected() < MAJORITY) reruns.push((await runCheck(check, resolved)).status);
        const line = `${difference.line} [re-run alone: ${reruns.join(", ")}]`;
        (asExpected() >= MAJORITY ? notReproduced : confirmed).push(line);
      }
      if (notReproduced.length) console.warn(`${target}: differences that did not reproduce (timing on a busy machine?):\n  ${notReproduced.join("\n  ")}`);
      const versionNote = describeDifferences(results, expectations, []);
      expect(
        confirmed,
        `${target}: unexpected changes (results in ${file}; update expectations/${target}.json only with evidence)` +
          (versionNote.length ? `\n${versionNote.join("\n")}` : ""),
      ).toEqual([]);
    });
  }
});
