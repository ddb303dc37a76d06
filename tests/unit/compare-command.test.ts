/**
 * `./run-test.sh compare` with no target: every target that has both expectations and a run, the
 * others named on one line; exit 2 only when nothing could be compared. A named target without a run
 * stays an error.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ROOT } from "../../suite/files/paths.ts";
import { targetsWithRuns } from "../../suite/commands/compare-expectations.ts";
import { ALL_CHECKS } from "../../suite/checks/registry.ts";
import { expectationTargets, expectedStatuses, readExpectations } from "../../suite/expectations/compare.ts";

const dir = mkdtempSync(join(tmpdir(), "compare-command-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// As if `all` had run bun alone: the published run of bun, every check of the registry in it with the
// status bun's expectations give it (the command is under test here, not bun).
const oneRun = join(dir, "one-run");
mkdirSync(join(oneRun, "bun"), { recursive: true });
const published = JSON.parse(readFileSync(join(ROOT, "results/bun/run.json"), "utf8")) as { checks: unknown[] };
const bunExpects = readExpectations("bun")!;
published.checks = ALL_CHECKS.map((check) => ({ id: check.id, status: expectedStatuses(bunExpects.checks[check.id])[0], message: "as expected", evidence: {}, durationMs: 0 }));
writeFileSync(join(oneRun, "bun/run.json"), JSON.stringify(published));

function compare(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, "suite/commands/compare-expectations.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("compare with no target", () => {
  test("splits the targets with expectations into those with a run and those without", () => {
    const { withRun, notRun } = targetsWithRuns(oneRun);
    expect(withRun).toEqual(["bun"]);
    expect(notRun).toEqual(expectationTargets().filter((t) => t !== "bun"));
  });

  test("compares the targets that have a run and names the others on one line, exit 0", () => {
    const { code, stdout, stderr } = compare("--results", oneRun);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^bun: as expected \(\d+ checks\)$/m);
    expect(stdout).toMatch(/^not run \(expectations, but no run in .*\): .*\bdeno\+no-legacy-abort\b/m);
    expect(stdout.trim().split("\n")).toHaveLength(2);
    expect(code).toBe(0);
  });

  test("exits 2 with a message when no target with expectations has a run", () => {
    const { code, stderr } = compare("--results", join(dir, "empty"));
    expect(stderr).toMatch(/nothing to compare: no target with expectations has a run/);
    expect(code).toBe(2);
  });

  test("a named target without a run is an error, exit 2", () => {
    const { code, stderr } = compare("node", "--results", oneRun);
    expect(stderr).toMatch(/no results at .*node\/run\.json/);
    expect(code).toBe(2);
  });
});
