/**
 * Calibration: the suite is an instrument, so every check must be shown able to fail. Each check
 * flags (fail or timeout) every fixture in its `calibration` list, a server broken in exactly the way
 * the check looks for, with a message that names that flaw (tests/calibration-reasons.ts), and
 * passes on the reference app served by Node (or, for a fact that no runtime satisfies, on a fixture
 * that does: `passesOn`).
 */
import { describe, expect, test } from "vitest";
import { CALIBRATION_REASONS } from "./calibration-reasons.ts";
import { ALL_CHECKS } from "../suite/checks/index.ts";
import { runCheck, type CheckResult } from "../suite/harness/check.ts";
import { resolveTarget } from "../suite/harness/targets.ts";

function explain(result: CheckResult): string {
  const figure = result.figure ? ` [${result.figure.value} ${result.figure.unit}]` : "";
  return `${result.id}: ${result.status}${figure}: ${result.message}`;
}

describe("calibration", () => {
  test("every check names at least one fixture made to break it", () => {
    const uncalibrated = ALL_CHECKS.filter((check) => check.calibration.length === 0).map((check) => check.id);
    expect(uncalibrated).toEqual([]);
  });

  test("every reason belongs to a check and one of its fixtures", () => {
    const pairs = new Set(ALL_CHECKS.flatMap((check) => check.calibration.map((fixture) => `${check.id} ${fixture}`)));
    expect(Object.keys(CALIBRATION_REASONS).filter((key) => !pairs.has(key))).toEqual([]);
  });

  test("check ids are unique", () => {
    const ids = ALL_CHECKS.map((check) => check.id);
    expect(ids.length).toBe(new Set(ids).size);
  });

  for (const check of ALL_CHECKS) {
    describe.concurrent(check.id, () => {
      for (const fixture of check.calibration) {
        test(`flags the fixture ${fixture} for its flaw`, async () => {
          const because = CALIBRATION_REASONS[`${check.id} ${fixture}`];
          expect(because, `tests/calibration-reasons.ts says why ${check.id} must flag ${fixture}`).toBeDefined();
          const result = await runCheck(check, resolveTarget(`fixture:${fixture}`));
          expect(["fail", "timeout"], explain(result)).toContain(result.status);
          expect(result.message, explain(result)).toMatch(because!);
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
