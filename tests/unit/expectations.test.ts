/**
 * Expectations without a run: the files of every target are sound, what reading and validation
 * refuse, and how a run compares with a file of deviations only (a check without an entry is
 * expected to pass, a flaky entry matches any of its statuses). The full runs of every target are
 * tests/targets.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CheckResult, Status, TargetResults } from "../../suite/model/results.ts";
import { targetNames } from "../../suite/targets/targets.ts";
import {
  compareWithExpectations,
  describeDifferences,
  ExpectationsFileError,
  expectationTargets,
  readExpectations,
  validateExpectations,
  type Deviation,
  type ExpectationsFile,
} from "../../suite/expectations/compare.ts";

/** The suite's checks as these tests see them: a registry of four. */
const REGISTRY = ["flush.per-event", "completion.signal-quiet", "stop.runtime-graceful", "sigint.idle"];

function sampleRun(checks: [id: string, status: Status, message?: string][]): TargetResults {
  return {
    run: { target: "deno", runtime: "deno", runtimeVersion: "2.9.6" } as TargetResults["run"],
    wallMs: 0,
    checks: checks.map(([id, status, message]): CheckResult => ({ id, status, message: message ?? status, evidence: {}, durationMs: 1 })),
  };
}

function sampleFile(checks: Record<string, Deviation>): ExpectationsFile {
  return { schemaVersion: 2, target: "deno", writtenFrom: { runtimeVersion: "2.9.6", date: "2026-11-21", suiteCommit: "abc" }, checks };
}

const why = (cause: string) => ({ cause, evidence: "results/deno/run.json" });
const FLAKY: Deviation = { flaky: { statuses: { pass: 28, timeout: 2 }, of: "30 runs of sigint.idle alone, 2026-11-21, suite abc" }, ...why("handler race") };

const kinds = (run: TargetResults, file: ExpectationsFile, partialRun = false) =>
  compareWithExpectations(run, file, { checks: REGISTRY, partialRun }).map((d) => [d.kind, d.check]);

const validate = (checks: Record<string, unknown>) => validateExpectations(sampleFile(checks as Record<string, Deviation>), "deno", REGISTRY);

describe("the expectation files", () => {
  test("every built-in target has one", () => {
    expect(targetNames().filter((name) => !expectationTargets().includes(name))).toEqual([]);
  });

  for (const target of expectationTargets()) {
    test(`${target}: is sound (schemaVersion 2, deviations of known checks, each with cause and evidence)`, () => {
      expect(validateExpectations(readExpectations(target)!, target)).toEqual([]);
    });
  }
});

describe("reading an expectations file", () => {
  const dir = mkdtempSync(join(tmpdir(), "sse-expectations-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("gives undefined for a target without a file", () => {
    expect(readExpectations("nowhere", dir)).toBeUndefined();
  });

  test("refuses the old format (no schemaVersion), naming the file and the version expected", () => {
    writeFileSync(join(dir, "old.json"), JSON.stringify({ target: "old", writtenFrom: {}, checks: { "sigint.idle": { status: "pass" } } }));
    expect(() => readExpectations("old", dir)).toThrow(ExpectationsFileError);
    expect(() => readExpectations("old", dir)).toThrow(`${join(dir, "old.json")}: no schemaVersion (version 1, every check listed); expected schemaVersion 2`);
  });

  test("refuses another schemaVersion, naming it", () => {
    writeFileSync(join(dir, "future.json"), JSON.stringify({ ...sampleFile({}), schemaVersion: 3 }));
    expect(() => readExpectations("future", dir)).toThrow("future.json: schemaVersion 3; expected schemaVersion 2");
  });

  test("reads a file of schemaVersion 2", () => {
    writeFileSync(join(dir, "deno.json"), JSON.stringify(sampleFile({ "sigint.idle": { status: "fail", ...why("handler race") } })));
    expect(readExpectations("deno", dir)?.checks["sigint.idle"]?.status).toBe("fail");
  });
});

describe("validating an expectations file", () => {
  test("accepts a deviation with cause, evidence and upstream", () => {
    expect(validate({ "sigint.idle": { status: "timeout", ...why("hangs"), upstream: ["https://example.org/the-upstream-thread"] } })).toEqual([]);
  });

  test("refuses a deviation without cause or evidence", () => {
    expect(validate({ "sigint.idle": { status: "fail" } })).toEqual([
      "deno: sigint.idle is expected to fail without a cause",
      "deno: sigint.idle is expected to fail without an evidence pointer",
    ]);
  });

  test("refuses an entry that says pass: pass is the default", () => {
    expect(validate({ "sigint.idle": { status: "pass" } })).toEqual(["deno: sigint.idle is expected to pass: pass is the default: remove the entry"]);
  });

  test("refuses an entry for a check the registry does not have", () => {
    expect(validate({ "flush.gone": { status: "fail", ...why("x") } })).toEqual(["deno: flush.gone is an unknown check: the registry has no check of that id"]);
  });

  test("refuses an unknown status", () => {
    expect(validate({ "sigint.idle": { status: "broken", ...why("x") } })).toEqual(['deno: sigint.idle has an unknown status "broken"']);
  });

  test("refuses the old nested reason", () => {
    expect(validate({ "sigint.idle": { status: "fail", reason: why("x") } })).toContain('deno: sigint.idle has an unknown field "reason"');
  });

  test("refuses a file whose target is not its name", () => {
    expect(validateExpectations({ ...sampleFile({}), target: "bun" }, "deno", REGISTRY)).toEqual(['deno: the file says target "bun"']);
  });

  test("accepts a flaky entry of two measured statuses with cause and evidence", () => {
    expect(validate({ "sigint.idle": FLAKY })).toEqual([]);
  });

  test('refuses "flaky" as a status', () => {
    expect(validate({ "sigint.idle": { status: "flaky", ...why("x") } })).toEqual(['deno: sigint.idle says status "flaky": flaky is not a status: declare flaky: { statuses, of } instead']);
  });

  test("refuses a flaky entry of one status", () => {
    expect(validate({ "sigint.idle": { ...FLAKY, flaky: { statuses: { timeout: 3 }, of: "3 runs" } } })).toEqual([
      "deno: sigint.idle is flaky with fewer than two statuses seen: one status is not flaky, say it as status",
    ]);
  });

  test("refuses a flaky count below 1", () => {
    expect(validate({ "sigint.idle": { ...FLAKY, flaky: { statuses: { pass: 3, timeout: 0 }, of: "3 runs" } } })).toEqual([
      "deno: sigint.idle is flaky with 0 runs of timeout: a count is how many runs ended so, at least 1",
      "deno: sigint.idle is flaky with fewer than two statuses seen: one status is not flaky, say it as status",
    ]);
  });

  test("refuses a flaky entry that does not say what was measured", () => {
    expect(validate({ "sigint.idle": { ...FLAKY, flaky: { statuses: { pass: 28, timeout: 2 }, of: "" } } })).toEqual([
      "deno: sigint.idle is flaky without saying what was measured (flaky.of: how many runs, when, at which suite commit)",
    ]);
  });

  test("refuses a flaky entry without cause or evidence", () => {
    expect(validate({ "sigint.idle": { flaky: FLAKY.flaky } })).toEqual([
      "deno: sigint.idle is expected to be flaky without a cause",
      "deno: sigint.idle is expected to be flaky without an evidence pointer",
    ]);
  });

  test("refuses an entry with both a status and flaky", () => {
    expect(validate({ "sigint.idle": { ...FLAKY, status: "timeout" } })).toEqual(["deno: sigint.idle has both a status and flaky: a flaky entry's statuses are its flaky.statuses"]);
  });
});

describe("comparing a run with its expectations", () => {
  const file = sampleFile({
    "completion.signal-quiet": { status: "fail", ...why("legacy abort") },
    "stop.runtime-graceful": { status: "fail", ...why("shutdown() waits") },
  });
  const all = (overrides: Record<string, Status> = {}) =>
    sampleRun(REGISTRY.map((id): [string, Status] => [id, overrides[id] ?? file.checks[id]?.status ?? "pass"]));

  test("a check with no entry is expected to pass", () => {
    expect(kinds(all(), file)).toEqual([]);
  });

  test("a check with no entry that does not pass is a regression", () => {
    expect(kinds(all({ "flush.per-event": "fail" }), file)).toEqual([["regression", "flush.per-event"]]);
  });

  test("an entry's check that passes is a fix", () => {
    expect(kinds(all({ "completion.signal-quiet": "pass" }), file)).toEqual([["fix", "completion.signal-quiet"]]);
  });

  test("another status than the entry's, neither pass, is a change", () => {
    expect(kinds(all({ "stop.runtime-graceful": "timeout" }), file)).toEqual([["changed", "stop.runtime-graceful"]]);
  });

  test("a check the registry does not have is new", () => {
    const run = all();
    run.checks.push({ id: "flush.brand-new", status: "pass", message: "new", evidence: {}, durationMs: 1 });
    expect(kinds(run, file)).toEqual([["new", "flush.brand-new"]]);
  });

  test("a check of the registry that a full run lacks is missing, expected to pass without an entry", () => {
    const run = sampleRun([["completion.signal-quiet", "fail"], ["stop.runtime-graceful", "fail"], ["sigint.idle", "pass"]]);
    const differences = compareWithExpectations(run, file, { checks: REGISTRY });
    expect(differences.map((d) => d.line)).toEqual(["deno: MISSING flush.per-event (expected pass) did not run"]);
  });

  test("an entry's check that a full run lacks is missing, with the entry's status", () => {
    const run = sampleRun([["flush.per-event", "pass"], ["stop.runtime-graceful", "fail"], ["sigint.idle", "pass"]]);
    expect(compareWithExpectations(run, file, { checks: REGISTRY }).map((d) => d.line)).toEqual(["deno: MISSING completion.signal-quiet (expected fail) did not run"]);
  });

  test("a partial run (--only) has no check missing", () => {
    expect(kinds(sampleRun([["sigint.idle", "pass"]]), file, true)).toEqual([]);
  });

  test("says each difference in a readable line with the run's message and the expected cause", () => {
    const run = all({ "flush.per-event": "fail", "completion.signal-quiet": "pass" });
    run.checks[0]!.message = "later than 30 ms after publication: 4: 39.65 ms";
    run.checks[1]!.message = "no abort";
    expect(compareWithExpectations(run, file, { checks: REGISTRY }).map((d) => d.line)).toEqual([
      "deno: REGRESSION flush.per-event: expected pass, got fail: later than 30 ms after publication: 4: 39.65 ms",
      "deno: FIX completion.signal-quiet: expected fail (legacy abort), got pass: no abort",
    ]);
  });

  test("a flaky entry matches any of its statuses", () => {
    const flaky = sampleFile({ ...file.checks, "sigint.idle": FLAKY });
    expect(kinds(all({ "sigint.idle": "pass" }), flaky)).toEqual([]);
    expect(kinds(all({ "sigint.idle": "timeout" }), flaky)).toEqual([]);
  });

  test("a flaky entry that includes pass calls any other status a regression, with its rate", () => {
    const flaky = sampleFile({ ...file.checks, "sigint.idle": FLAKY });
    const [difference] = compareWithExpectations(all({ "sigint.idle": "fail" }), flaky, { checks: REGISTRY });
    expect(difference).toMatchObject({ kind: "regression", expected: ["pass", "timeout"], actual: "fail" });
    expect(difference!.line).toBe(
      "deno: REGRESSION sigint.idle: expected pass or timeout (flaky: pass 28, timeout 2 of 30 runs of sigint.idle alone, 2026-11-21, suite abc; handler race), got fail: fail",
    );
  });

  test("notes a runtime version other than the one the expectations were written from", () => {
    const run = all();
    const newer = { ...run, run: { ...run.run, runtimeVersion: "2.9.7" } };
    expect(describeDifferences(newer, file, []).join("\n")).toContain("written from deno 2.9.6, this run is 2.9.7");
  });
});
