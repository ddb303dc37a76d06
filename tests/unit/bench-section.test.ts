/** The benchmark's section of report.html (suite/table/bench-section.ts), from results/bench.json. */
import { describe, expect, test } from "vitest";
import { renderBenchSection, shareOfCeiling, type BenchResults } from "../../suite/table/bench-section.ts";

describe("the benchmark in report.html", () => {
  const figure = (subject: number | null, ceiling: number | null, better: "higher" | "lower", dispatcher: number | null = null) => ({
    subject,
    ceiling,
    ratio: subject !== null && ceiling !== null ? subject / ceiling : null,
    dispatcher,
    ratioToDispatcher: subject !== null && dispatcher !== null ? subject / dispatcher : null,
    better,
  });
  const bench: BenchResults = {
    schemaVersion: 2,
    startedAt: "2026-11-21T23:30:00.000Z",
    wallMs: 60_000,
    metrics: [
      { key: "fanout", label: "fan-out, 1000 clients", unit: "deliveries/s", better: "higher" },
      { key: "latencyP99", label: "latency p99, 1000 x 100/s", unit: "ms", better: "lower" },
    ],
    comparisons: [
      {
        subject: "node",
        kind: "target",
        ceiling: "ceiling:node",
        dispatcher: null,
        metrics: { fanout: figure(400_000, 800_000, "higher"), latencyP99: figure(20, 10, "lower") },
      },
      {
        subject: "peer:better-sse:node",
        kind: "peer",
        ceiling: "ceiling:node",
        dispatcher: "node",
        metrics: { fanout: figure(200_000, 800_000, "higher", 400_000), latencyP99: figure(40, 10, "lower", 20) },
      },
      {
        subject: "bun",
        kind: "target",
        ceiling: "ceiling:bun",
        dispatcher: null,
        metrics: { fanout: figure(null, 900_000, "higher"), latencyP99: figure(5, 10, "lower") },
      },
    ],
  };

  test("draws each figure as its share of the runtime's ceiling, more is better on every row", () => {
    expect(shareOfCeiling(bench.comparisons[0]!.metrics.fanout)).toBe(0.5);
    expect(shareOfCeiling(bench.comparisons[0]!.metrics.latencyP99)).toBe(0.5);
    expect(shareOfCeiling(bench.comparisons[2]!.metrics.latencyP99)).toBe(2);
    expect(shareOfCeiling(bench.comparisons[2]!.metrics.fanout)).toBeUndefined();
  });

  test("charts one bar per measured figure and says which were not measured", () => {
    const html = renderBenchSection(bench);
    expect(html.match(/class="bar bench-bar"/g)).toHaveLength(5);
    expect(html).toContain("not measured on bun");
    expect(html).toContain("ceiling:node");
  });

  test("prints a peer's figure with its ratios to the ceiling and to our dispatcher", () => {
    const html = renderBenchSection(bench);
    expect(html).toContain("peer:better-sse:node (beside node)");
    expect(html).toContain("c×0.25 d×0.5");
  });

  test("says how to produce it when there are no benchmark results", () => {
    expect(renderBenchSection(undefined)).toContain("./run-test.sh bench");
  });
});
