/**
 * Calibration: the suite is an instrument, so every check must be shown able to fail. Each check
 * flags (fail or timeout) every fixture its declaration names, a server broken in exactly the way the
 * check looks for, with a message that names that flaw; it passes on the flawless fixture (every knob
 * correct: the control) and on the reference app served by Node (or, for a fact that no runtime
 * satisfies, only on the fixture: `passesOn`). That Node passes is shown by the targets' tier
 * (tests/targets.test.ts), which runs every check there: this file holds expectations/node.json to it, and runs only the
 * targets a check names itself.
 */
import { afterAll, describe, expect, test } from "vitest";
import { closeAllEngines } from "../suite/harness/browsers/registry.ts";
import { runCheck, type Check } from "../suite/harness/check.ts";
import { type CheckResult } from "../suite/model/results.ts";
import { resolveTarget, type Target } from "../suite/targets/targets.ts";
import { ALL_CHECKS } from "../suite/checks/registry.ts";
import { readExpectations } from "../suite/expectations/compare.ts";

/** The control: a server with no flaw, which every check must pass. */
const FLAWLESS = "fixture:flawless";

function explain(result: CheckResult): string {
  const figure = result.figure ? ` [${result.figure.censored ? "> " : ""}${result.figure.value} ${result.figure.unit}]` : "";
  return `${result.id}: ${result.status}${figure}: ${result.message}`;
}

describe("calibration", () => {
  // The browser checks share one browser per engine across the file: it ends them.
  afterAll(() => closeAllEngines());

  test("every check that must pass on node is expected to pass there (tests/targets.test.ts runs it)", () => {
    // Expectations list deviations only: a check without an entry is expected to pass.
    const onNode = readExpectations("node")!.checks;
    const notExpected = ALL_CHECKS.filter((check) => check.passesOn === undefined && onNode[check.id] !== undefined).map((check) => check.id);
    expect(notExpected).toEqual([]);
  });

  test("every check names at least one fixture made to break it", () => {
    const uncalibrated = ALL_CHECKS.filter((check) => Object.keys(check.calibration).length === 0).map((check) => check.id);
    expect(uncalibrated).toEqual([]);
  });

  // An exclusive check runs alone in a run (its timings need a quiet machine): here its fixtures and
  // targets take their turns too, first, instead of loading the machine side by side (concurrency.many
  // on node once saw /health at 142.7 ms beside its own fixtures' 1,000-stream broadcasts). The others
  // run side by side, four tests at a time (maxConcurrency), the longest first, as a run runs them.
  const exclusive = ALL_CHECKS.filter((check) => check.exclusive);
  const sideBySide = ALL_CHECKS.filter((check) => !check.exclusive).sort((a, b) => b.timeoutMs - a.timeoutMs);
  describe.sequential("alone", () => {
    for (const check of exclusive) describe.sequential(check.id, () => calibrate(check));
  });
  describe.concurrent("side by side", () => {
    for (const check of sideBySide) describe(check.id, () => calibrate(check));
  });
});

/** The tests that show one check able to fail, and passing where it must. */
function calibrate(check: Check): void {
  for (const [fixture, because] of Object.entries(check.calibration)) {
    test(`flags the fixture ${fixture} for its flaw`, async () => {
      const result = await runCheck(check, resolveTarget(`fixture:${fixture}`));
      expect(["fail", "timeout"], explain(result)).toContain(result.status);
      expect(result.message, explain(result)).toMatch(because);
    });
  }
  // As a black box: the fixture offers nothing but its process, its own events every 100 ms.
  const blackBox = (id: string): Target => ({ ...resolveTarget(id), offers: new Set(["process"]), cadenceMs: 100 });
  for (const [fixture, because] of Object.entries(check.blackBoxCalibration ?? {})) {
    test(`flags the fixture ${fixture}, run as a black box, for its flaw`, async () => {
      const result = await runCheck(check, blackBox(`fixture:${fixture}`));
      expect(["fail", "timeout"], explain(result)).toContain(result.status);
      expect(result.message, explain(result)).toMatch(because);
    });
  }
  if (check.blackBoxCalibration) {
    test(`passes on ${FLAWLESS} run as a black box`, async () => {
      const result = await runCheck(check, blackBox(FLAWLESS));
      expect(result.status, explain(result)).toBe("pass");
    });
  }
  // The default, the reference app on node, is shown by tests/targets.test.ts instead
  // (expectations/node.json has no entry for it: see the test above); here a check's own passesOn.
  for (const target of new Set([...(check.passesOn ?? []), FLAWLESS])) {
    test(`passes on ${target}`, async () => {
      const result = await runCheck(check, resolveTarget(target));
      expect(result.status, explain(result)).toBe("pass");
    });
  }
}
