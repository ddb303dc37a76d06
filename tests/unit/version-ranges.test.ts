/**
 * Version ranges: from observations at several runtime versions to where a check holds
 * (suite/versions/ranges.ts), and those ranges in the published table and compat.json
 * (suite/table/version-ranges.ts).
 */
import { describe, expect, test } from "vitest";
import { matrixPaths } from "../../suite/files/layout.ts";
import { buildCompat, type SupportStatement } from "../../suite/table/compat-json.ts";
import { mergeRanges, renderRangesMarkdown, versionRanges, type MatrixFile } from "../../suite/table/version-ranges.ts";
import { computeRanges } from "../../suite/versions/ranges.ts";
import { model, obs, PUBLISHED } from "./report-fixtures.ts";

describe("version ranges", () => {
  test("name the first version where a check passes, exact when the version before it failed and is adjacent", () => {
    const ranges = computeRanges("disconnect.cancel", [obs("1.1.20", "fail"), obs("1.1.26", "timeout"), obs("1.1.27", "pass"), obs("1.1.30", "pass")], PUBLISHED);
    expect(ranges.summary).toBe("since 1.1.27");
    expect(ranges.lines).toEqual(["1.1.20–1.1.26: fail", "1.1.27–1.1.30: pass"]);
    expect(ranges.support).toEqual([{ version_added: "1.1.27" }]);
  });

  test("give a boundary with untested versions between as ≤, and name the gap", () => {
    const ranges = computeRanges("x", [obs("1.1.20", "fail"), obs("1.1.30", "pass")], PUBLISHED);
    expect(ranges.summary).toBe("since ≤1.1.30 (fail on 1.1.20)");
    expect(ranges.lines).toEqual(["1.1.20: fail", "1.1.20 … 1.1.30: not tested between", "1.1.30: pass"]);
    expect(ranges.support[0]).toMatchObject({ version_added: "≤1.1.30" });
    expect(ranges.boundaries).toEqual([{ before: "1.1.20", after: "1.1.30", from: "fail", to: "pass", exact: false }]);
  });

  test("give version_removed where a check stops passing, newest statement first", () => {
    const ranges = computeRanges("x", [obs("1.1.20", "fail"), obs("1.1.21", "pass"), obs("1.1.22", "pass"), obs("1.1.24", "fail")], PUBLISHED);
    expect(ranges.summary).toBe("fails since 1.1.24");
    expect(ranges.support).toEqual([{ version_added: "1.1.21", version_removed: "1.1.24" }]);
  });

  test("report a version whose runs disagree as flaky, never pick one", () => {
    const ranges = computeRanges("x", [obs("1.1.20", "pass"), obs("1.1.21", "pass"), obs("1.1.21", "fail")], PUBLISHED);
    expect(ranges.lines).toEqual(["1.1.20: pass", "1.1.21: flaky"]);
    expect(ranges.support[0]!.notes!.join(" ")).toContain("flaky (pass and fail in different runs) on 1.1.21");
  });

  test("say version_added false for a check that never passes", () => {
    expect(computeRanges("x", [obs("1.1.20", "fail"), obs("1.2.0", "fail")], PUBLISHED).support).toEqual([
      { version_added: false, notes: ["not passing on any version tested (1.1.20–1.2.0)"] },
    ]);
  });
});

describe("version ranges in the published table", () => {
  const matrix: MatrixFile = {
    target: "bun",
    runtime: "bun",
    versions: ["1.1.26", "1.1.27", "1.1.45", "1.4.5"],
    checks: {
      "disconnect.cancel": {
        __compat: { support: { bun: { version_added: "1.1.27" } } },
        ranges: { summary: "since 1.1.27", boundaries: [{ before: "1.1.26", after: "1.1.27", from: "fail", to: "pass", exact: true }] },
      },
      "flush.per-event": {
        __compat: { support: { bun: { version_added: "≤1.4.5" } } },
        ranges: { summary: "since ≤1.4.5 (fail on 1.1.45)", boundaries: [{ before: "1.1.45", after: "1.4.5", from: "fail", to: "pass", exact: false }] },
      },
      "flush.tiny": {
        __compat: { support: { bun: { version_added: "≤1.1.26" } } },
        ranges: { summary: "pass on every version tested (1.1.26–1.4.5)", boundaries: [] },
      },
    },
  };

  test("list every check that changes, a boundary with untested versions between marked as such", () => {
    const md = renderRangesMarkdown(versionRanges([matrix])).join("\n");
    expect(md).toContain("| `bun` | `disconnect.cancel` | since 1.1.27 | fail on 1.1.26 → pass on 1.1.27 |");
    expect(md).toContain("| `bun` | `flush.per-event` | since ≤1.4.5 (fail on 1.1.45) | fail on 1.1.45 → pass on 1.4.5 (not tested between) |");
  });

  test("sum up the checks that hold the same status on every version tested, per target", () => {
    const md = renderRangesMarkdown(versionRanges([matrix])).join("\n");
    expect(md).toContain("- `bun`: 1 check holds the same status on every version tested: `flush.tiny` (pass)");
  });

  test("explain an exact boundary with the curated upstream change at that version, linked", () => {
    const md = renderRangesMarkdown(versionRanges([matrix])).join("\n");
    expect(md).toContain("1.1.27: Bun.serve calls cancel()");
    expect(md).toContain("[oven-sh/bun#6758](https://github.com/oven-sh/bun/issues/6758)");
  });

  test("give no explanation where the measured boundary is not at the curated version", () => {
    const moved: MatrixFile = {
      ...matrix,
      checks: { "disconnect.cancel": { ...matrix.checks["disconnect.cancel"]!, ranges: { summary: "since 1.1.28", boundaries: [{ before: "1.1.27", after: "1.1.28", from: "fail", to: "pass", exact: true }] } } },
    };
    expect(versionRanges([moved])[0]!.boundaries[0]!.explained).toBeUndefined();
  });

  test("give compat.json the first version where the check passes, where the pinned run agrees", () => {
    const compat = buildCompat(model);
    mergeRanges(compat, versionRanges([matrix]));
    const statement = compat.checks["disconnect.cancel"]!.__compat.support.bun as SupportStatement;
    expect(statement.version_added).toBe("1.1.27");
    // The note names the published matrix (results/bun/matrix.md), relative to the repository.
    expect(statement.notes?.some((n) => n.includes(matrixPaths("results", "bun").markdown))).toBe(true);
    expect(statement.notes?.at(-1)).toContain("at 1.1.27, upstream: Bun.serve calls cancel()");
  });
});
