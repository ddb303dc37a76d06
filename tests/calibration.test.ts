/**
 * Calibration: the suite is an instrument, so every check must be shown able to fail. Each check
 * flags (fail or timeout) every fixture in its `calibration` list, a server broken in exactly the way
 * the check looks for, and passes on the reference app served by Node (or, for a fact that no
 * runtime satisfies, on a fixture that does: `passesOn`).
 */
import { describe, expect, test } from "vitest";
import { ALL_CHECKS } from "./checks/index.ts";
import { runCheck, type CheckResult } from "./harness/check.ts";
import { resolveTarget } from "./harness/targets.ts";

function explain(result: CheckResult): string {
  const figure = result.figure ? ` [${result.figure.value} ${result.figure.unit}]` : "";
  return `${result.id}: ${result.status}${figure}: ${result.message}`;
}

describe("calibration", () => {
  test("every check names at least one fixture made to break it", () => {
    const uncalibrated = ALL_CHECKS.filter((check) => check.calibration.length === 0).map((check) => check.id);
    expect(uncalibrated).toEqual([]);
  });

  test("check ids are unique", () => {
    const ids = ALL_CHECKS.map((check) => check.id);
    expect(ids.length).toBe(new Set(ids).size);
  });

  for (const check of ALL_CHECKS) {
    describe.concurrent(check.id, () => {
      for (const fixture of check.calibration) {
        test(`flags the fixture ${fixture}`, async () => {
          const result = await runCheck(check, resolveTarget(`fixture:${fixture}`));
          expect(["fail", "timeout"], explain(result)).toContain(result.status);
        });
      }
      for (const target of check.passesOn ?? ["node"]) {
        test(`passes on ${target}`, async () => {
          const result = await runCheck(check, resolveTarget(target));
          expect(result.status, explain(result)).toBe("pass");
        });
      }
    });
  }
});
