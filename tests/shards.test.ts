/**
 * A split run end to end, as README shows it: the same checks run whole and in two shards, the
 * shards merged, and the merged run has the same statuses as the whole one; a merge that misses a
 * shard refuses and names it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { listRuns, runPath } from "../suite/files/layout.ts";
import { readRun } from "../suite/files/run-files.ts";
import { statusChanges } from "../suite/model/status-diff.ts";
import { ROOT } from "../suite/files/paths.ts";

const home = mkdtempSync(join(tmpdir(), "shards-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** run-test.sh as a user types it; the environment as a user's (no vitest variables). */
function runTest(args: string[], runsDir: string): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST.*|TEST|NODE_ENV|SSE_CALLER_DIR)$/.test(k)));
  const result = spawnSync(join(ROOT, "run-test.sh"), args, { cwd: home, env: { ...env, SSE_RUNS_DIR: runsDir }, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ONLY = ["--only", "protocol.*"];
const TARGET = "fixture:flawless";

describe("a run split in two shards", () => {
  test("merged, it has every check once and the whole run's statuses", () => {
    const whole = join(home, "whole");
    const shards = [1, 2].map((i) => join(home, `shard-${i}`));
    expect(runTest([TARGET, ...ONLY], whole).code).toBe(0);
    for (const [i, dir] of shards.entries()) {
      const { code, stdout } = runTest([TARGET, ...ONLY, "--shard", `${i + 1}/2`], dir);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`shard ${i + 1}/2: \\d+ of 6\\)`));
      expect(listRuns(dir).map((r) => r.path)).toEqual([relative(dir, runPath(dir, TARGET, { shard: { index: i + 1, total: 2 } }))]);
    }
    const merged = join(home, "merged");
    const { code, stdout } = runTest(["merge", ...shards, "--out", merged], merged);
    expect(code).toBe(0);
    expect(stdout).toContain("fixture:flawless: 6 checks from 2 shards");
    const wholeRun = readRun(runPath(whole, TARGET, { partial: true }));
    const mergedRun = readRun(runPath(merged, TARGET, { partial: true }));
    expect(mergedRun.checks.map((c) => c.id)).toEqual(wholeRun.checks.map((c) => c.id));
    expect(statusChanges(wholeRun, mergedRun)).toEqual([]);
    expect(new Set(mergedRun.checks.map((c) => c.ranOn?.shard))).toEqual(new Set([1, 2]));
  }, 150_000);

  test("a merge missing a shard refuses, names it and writes nothing", () => {
    const dir = join(home, "only-one");
    expect(runTest([TARGET, ...ONLY, "--shard", "1/2"], dir).code).toBe(0);
    const out = join(home, "merged-one");
    const { code, stderr } = runTest(["merge", dir, "--out", out], out);
    expect(code).toBe(2);
    expect(stderr).toMatch(/shards not given: 2\/2 \(\.\/run-test\.sh fixture:flawless --shard 2\/2\)/);
    expect(() => readdirSync(out)).toThrow();
  }, 150_000);
});
