/** Split runs (suite/shards/): how cells are dealt out, and how shards are joined again. */
import { describe, expect, test } from "vitest";
import type { Check } from "../../suite/harness/check.ts";
import type { CheckResult, Status, TargetResults } from "../../suite/model/results.ts";
import { listRuns, runPath } from "../../suite/files/layout.ts";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { statusChanges } from "../../suite/model/status-diff.ts";
import { mergeShards, ShardMergeError } from "../../suite/shards/merge.ts";
import { parseShard, shardCells } from "../../suite/shards/shard.ts";

const checks = ["a.one", "a.two", "b.one", "b.two", "c.one"].map((id) => ({ id }) as Check);
const targets = [{ id: "node" }, { id: "bun" }];

function run(target: string, results: [string, Status][], shard?: { index: number; total: number }, hostname = "box"): TargetResults {
  return {
    run: { date: `2026-12-01T00:0${shard?.index ?? 0}:00Z`, target, machine: { hostname }, suiteCommit: "abc", ...(shard ? { shard: { ...shard, checks: checks.map((c) => c.id) } } : {}) },
    wallMs: 1000 * (shard?.index ?? 1),
    checks: results.map(([id, status]) => ({ id, status, message: `${status} message`, evidence: {}, durationMs: 1 }) as CheckResult),
  } as unknown as TargetResults;
}

/** The shards a split in `total` of `statuses` gives, as files of one target. */
function split(target: string, statuses: Status[], total: number): TargetResults[] {
  return Array.from({ length: total }, (_, i) => {
    const shard = { index: i + 1, total };
    const mine = shardCells([{ id: target }], checks, shard)[0]?.checks ?? [];
    return run(target, mine.map((c) => [c.id, statuses[checks.indexOf(c)]!]), shard, `runner-${i + 1}`);
  });
}

describe("dealing out a run", () => {
  test("--shard i/n is parsed, and anything but 1 <= i <= n is refused", () => {
    expect(parseShard("2/8")).toEqual({ index: 2, total: 8 });
    for (const bad of ["0/4", "5/4", "2", "a/b", "2/0"]) expect(() => parseShard(bad)).toThrow(/--shard expects i\/n/);
  });

  test("every cell (target × check) is in exactly one shard", () => {
    const seen: string[] = [];
    for (let index = 1; index <= 4; index++) {
      for (const piece of shardCells(targets, checks, { index, total: 4 })) seen.push(...piece.checks.map((c) => `${piece.target.id} ${c.id}`));
    }
    expect(seen.sort()).toEqual(targets.flatMap((t) => checks.map((c) => `${t.id} ${c.id}`)).sort());
  });

  test("the shards' sizes differ by one at most", () => {
    const sizes = [1, 2, 3].map((index) => shardCells(targets, checks, { index, total: 3 }).reduce((n, p) => n + p.checks.length, 0));
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  test("a shard's file is named after its piece and is told apart from a whole run", () => {
    const dir = mkdtempSync(join(tmpdir(), "sse-shard-names-"));
    expect(runPath(dir, "bun@1.1.26", { shard: { index: 2, total: 8 } })).toBe(join(dir, "bun/versions/1.1.26.shard-2-of-8.json"));
    for (const file of [runPath(dir, "bun@1.1.26", { shard: { index: 2, total: 8 } }), runPath(dir, "bun")]) {
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, "{}");
    }
    expect(listRuns(dir).map((r) => ({ path: r.path, shard: r.shard }))).toEqual([
      { path: "bun/run.json", shard: undefined },
      { path: "bun/versions/1.1.26.shard-2-of-8.json", shard: { index: 2, total: 8 } },
    ]);
  });
});

describe("merging shards", () => {
  const statuses: Status[] = ["pass", "fail", "skip", "pass", "timeout"];

  test("the merged run has every check once, in the whole run's order, with the same statuses", () => {
    const merged = mergeShards("node", split("node", statuses, 4)).results;
    expect(merged.checks.map((c) => [c.id, c.status])).toEqual(checks.map((c, i) => [c.id, statuses[i]]));
    expect(statusChanges(run("node", checks.map((c, i) => [c.id, statuses[i]!])), merged)).toEqual([]);
  });

  test("each check keeps the shard and machine it ran on, and the run lists its shards", () => {
    const merged = mergeShards("node", split("node", statuses, 2)).results;
    expect(merged.checks[0]!.ranOn).toEqual({ shard: 1, hostname: "runner-1", suiteCommit: "abc" });
    expect(merged.checks[1]!.ranOn).toEqual({ shard: 2, hostname: "runner-2", suiteCommit: "abc" });
    expect(merged.run.shards!.map((s) => s.index)).toEqual([1, 2]);
    expect(merged.run.shard).toBeUndefined();
  });

  test("a missing shard is refused, naming it and the command that runs it", () => {
    const pieces = split("node", statuses, 3).filter((p) => p.run.shard!.index !== 2);
    expect(() => mergeShards("node", pieces)).toThrow(ShardMergeError);
    expect(() => mergeShards("node", pieces)).toThrow(/shards not given: 2\/3 \(\.\/run-test\.sh node --shard 2\/3\)/);
  });

  test("a shard given twice is refused", () => {
    const pieces = split("node", statuses, 2);
    expect(() => mergeShards("node", [...pieces, pieces[0]!])).toThrow(/shard 1\/2 given twice/);
  });

  test("shards of splits of different sizes are refused", () => {
    expect(() => mergeShards("node", [split("node", statuses, 2)[0]!, ...split("node", statuses, 3).slice(1)])).toThrow(/splits in 2 and in 3/);
  });
});

describe("status changes between two runs", () => {
  test("only the checks whose status differs, or that one run lacks, are reported", () => {
    const before = run("bun", [["a.one", "pass"], ["a.two", "fail"], ["b.one", "pass"]]);
    const after = run("bun", [["a.one", "pass"], ["a.two", "pass"], ["c.one", "skip"]]);
    expect(statusChanges(before, after).map((c) => [c.id, c.from, c.to])).toEqual([
      ["a.two", "fail", "pass"],
      ["b.one", "pass", null],
      ["c.one", null, "skip"],
    ]);
  });
});
