/**
 * Expectations: the whole suite runs on every target that has an expectations/<target>.json, one
 * target after another, and any unexpected change fails the test with the difference printed:
 * a regression, a fix, another status, a check without expectation or an expected one that no
 * longer runs.
 *
 * A difference must reproduce before it counts: the machine is shared and small, so a timing check
 * can flip once. Each differing check is re-run alone up to three times; a difference that a
 * majority of its re-runs (2 of 3) contradicts is reported as not reproduced and does not fail the
 * test; otherwise it counts. Expectations change only with evidence:
 * update the file by hand, with the cause and where the evidence is.
 */
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ALL_CHECKS } from "../suite/checks/registry.ts";
import { runCheck } from "../suite/harness/check.ts";
import type { CheckResult, TargetResults } from "../suite/model/results.ts";
import { writeRun } from "../suite/files/run-files.ts";
import { runTarget } from "../suite/harness/runner.ts";
import { resolveTarget, targetNames } from "../suite/targets/targets.ts";
import {
  compareWithExpectations,
  describeDifferences,
  EXPECTATIONS_DIR,
  readExpectations,
  validateExpectations,
  type ExpectationsFile,
} from "../suite/expectations/compare.ts";

const EXPECTED_TARGETS = readdirSync(EXPECTATIONS_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length));

/** Re-runs of a differing check, alone; it takes a majority of them to call a difference not reproduced. */
const RERUNS = 3;
const MAJORITY = Math.floor(RERUNS / 2) + 1;

function sampleRun(checks: Pick<CheckResult, "id" | "status" | "message">[]): TargetResults {
  return {
    run: { target: "deno", runtime: "deno", runtimeVersion: "2.9.6" } as TargetResults["run"],
    wallMs: 0,
    checks: checks.map((c) => ({ ...c, evidence: {}, durationMs: 1 })),
  };
}

const SAMPLE_EXPECTATIONS: ExpectationsFile = {
  target: "deno",
  writtenFrom: { runtimeVersion: "2.9.6", date: "2026-11-21", suiteCommit: "abc" },
  checks: {
    "flush.per-event": { status: "pass" },
    "completion.signal-quiet": { status: "fail", reason: { cause: "legacy abort", evidence: "results/deno.json" } },
    "stop.runtime-graceful": { status: "fail", reason: { cause: "shutdown() waits", evidence: "results/deno.json" } },
    "sigint.idle": { status: "fail", reason: { cause: "handler race", evidence: "by hand" } },
    "protocol.retry": { status: "pass" },
  },
};

describe("expectation files", () => {
  test("exist for every built-in target", () => {
    expect(targetNames().filter((name) => !EXPECTED_TARGETS.includes(name))).toEqual([]);
  });

  for (const target of EXPECTED_TARGETS) {
    test(`${target}: every check that does not pass says why (cause and evidence)`, () => {
      expect(validateExpectations(readExpectations(target)!, target)).toEqual([]);
    });
  }

  test("an expectation without cause or evidence is refused", () => {
    const bad: ExpectationsFile = { ...SAMPLE_EXPECTATIONS, checks: { "sigint.idle": { status: "fail" } } };
    expect(validateExpectations(bad, "deno")).toEqual([
      "deno: sigint.idle is expected to fail without a cause",
      "deno: sigint.idle is expected to fail without an evidence pointer",
    ]);
  });
});

describe("comparing a run with its expectations", () => {
  const run = sampleRun([
    { id: "flush.per-event", status: "fail", message: "later than 30 ms after publication: 4: 39.65 ms" },
    { id: "completion.signal-quiet", status: "pass", message: "no abort" },
    { id: "stop.runtime-graceful", status: "timeout", message: "check stop.runtime-graceful timed out" },
    { id: "protocol.retry", status: "pass", message: "retry: 2000" },
    { id: "flush.brand-new", status: "pass", message: "new" },
  ]);
  const differences = compareWithExpectations(run, SAMPLE_EXPECTATIONS);

  test("names regressions, fixes, other changes, new and missing checks", () => {
    expect(differences.map((d) => [d.kind, d.check])).toEqual([
      ["regression", "flush.per-event"],
      ["fix", "completion.signal-quiet"],
      ["changed", "stop.runtime-graceful"],
      ["new", "flush.brand-new"],
      ["missing", "sigint.idle"],
    ]);
  });

  test("says it in readable lines with the run's message and the expected reason", () => {
    expect(differences[0]!.line).toBe("deno: REGRESSION flush.per-event: expected pass, got fail: later than 30 ms after publication: 4: 39.65 ms");
    expect(differences[1]!.line).toBe("deno: FIX completion.signal-quiet: expected fail (legacy abort), got pass: no abort");
  });

  test("does not call checks missing from a partial run (--only) missing", () => {
    expect(compareWithExpectations(run, SAMPLE_EXPECTATIONS, { partialRun: true }).map((d) => d.kind)).not.toContain("missing");
  });

  test("notes a runtime version other than the one the expectations were written from", () => {
    const newer = { ...run, run: { ...run.run, runtimeVersion: "2.9.7" } };
    expect(describeDifferences(newer, SAMPLE_EXPECTATIONS, []).join("\n")).toContain("written from deno 2.9.6, this run is 2.9.7");
  });
});

describe.sequential("the suite on every target with expectations", () => {
  for (const target of EXPECTED_TARGETS) {
    test(`${target} behaves as expected`, { timeout: 900_000 }, async () => {
      const expectations = readExpectations(target)!;
      const resolved = resolveTarget(target);
      const results = await runTarget(resolved, ALL_CHECKS);
      const file = writeRun(results, { dir: join(tmpdir(), "sse-expectations") });

      const confirmed: string[] = [];
      const notReproduced: string[] = [];
      for (const difference of compareWithExpectations(results, expectations)) {
        const check = ALL_CHECKS.find((c) => c.id === difference.check);
        if (!check || difference.expected === undefined) {
          confirmed.push(difference.line);
          continue;
        }
        const reruns: string[] = [];
        const asExpected = () => reruns.filter((s) => s === difference.expected).length;
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
