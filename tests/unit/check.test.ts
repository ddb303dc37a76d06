/** How a check's body ending becomes a result: statuses, the harness's own failures, figures. */
import { describe, expect, test } from "vitest";
import { censored, measured, pass } from "../../suite/model/results.ts";
import { runCheck, setUpStep, type Check } from "../../suite/harness/check.ts";
import { resolveTarget } from "../../suite/targets/targets.ts";
import { withTimeout } from "../../suite/harness/wait.ts";
import { formatFigure } from "../../suite/table/format.ts";

function check(run: Check["run"], extra: Partial<Check> = {}): Check {
  return {
    id: "unit.check",
    group: "A",
    kind: "outcome",
    passes: "a unit test's check",
    bounds: { waitMs: 10 },
    figure: { unit: "ms", label: "delay", bound: "waitMs" },
    calibration: {},
    timeoutMs: 1000,
    needs: [],
    run,
    ...extra,
  };
}

const target = resolveTarget("node");
const never = new Promise<never>(() => {});

describe("a check's result", () => {
  test("is skip, naming the capability, when the target does not offer what the check needs", async () => {
    let ran = false;
    const blackBox = resolveTarget("url:http://127.0.0.1:9/events");
    const result = await runCheck(check(async () => ((ran = true), pass("ran")), { needs: ["process", "records"] }), blackBox);
    expect(result.status).toBe("skip");
    expect(result.message).toMatch(/^needs process \(the suite starts the server's process.*\) and records \(observation records/);
    expect(result.message).toContain("which url:http://127.0.0.1:9/events does not offer");
    expect(ran).toBe(false);
  });

  test("is error, with the cause, when a set-up step of the harness fails, even by a bounded wait", async () => {
    const result = await runCheck(check(() => setUpStep("warm-up", withTimeout(never, 10, "the warm-up event"))), target);
    expect(result.status).toBe("error");
    expect(result.message).toContain("warm-up: the warm-up event: no result within 10 ms");
  });

  test("is timeout when a wait of the measurement itself runs past its bound", async () => {
    const result = await runCheck(check(() => withTimeout(never, 10, "the event")), target);
    expect(result.status).toBe("timeout");
  });

  test("is timeout when the whole check runs past its bound", async () => {
    const result = await runCheck(check(() => never, { timeoutMs: 20 }), target);
    expect(result.status).toBe("timeout");
  });

  test("carries the unit and label its declaration gives the figure", async () => {
    const result = await runCheck(check(async () => pass("ok", measured(4.2))), target);
    expect(result.figure).toEqual({ value: 4.2, unit: "ms", label: "delay" });
  });

  test("keeps a censored figure censored, and it reads as the bound exceeded, never as a measurement", async () => {
    const result = await runCheck(check(async () => pass("nothing seen", censored(3000))), target);
    expect(result.figure).toEqual({ value: 3000, unit: "ms", label: "delay", censored: true });
    expect(formatFigure(result.figure)).toBe("> 3 s delay");
  });

  test("is error when the body gives a figure its declaration does not have", async () => {
    const result = await runCheck(check(async () => pass("ok", measured(1)), { figure: undefined }), target);
    expect(result.status).toBe("error");
  });
});
