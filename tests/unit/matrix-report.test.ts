/** A target's version matrix (suite/versions/matrix-report.ts): results/<target>/matrix.md and matrix.json. */
import { describe, expect, test } from "vitest";
import { buildMatrix, matrixJson, renderMatrixMarkdown, type MatrixData } from "../../suite/versions/matrix-report.ts";
import { obs, PUBLISHED } from "./report-fixtures.ts";

describe("the version matrix", () => {
  test("the matrix table shows each version, the ranges, the bisect command for a gap and the contradictions", () => {
    const data: MatrixData = {
      target: "bun-node",
      runtime: "bun",
      runs: [],
      observations: new Map([
        ["disconnect.signal", [obs("1.1.20", "fail"), obs("1.2.23", "pass")]],
        ["flush.tiny", [obs("1.1.20", "pass"), obs("1.2.23", "pass")]],
      ]),
    };
    const matrix = buildMatrix(data, PUBLISHED);
    const md = renderMatrixMarkdown(matrix);
    expect(md).toContain("| check | kind | 1.1.20 | 1.2.23 | where it passes |");
    expect(md).toContain("| `disconnect.signal` | fact | ❌ | ✅ | since ≤1.2.23 (fail on 1.1.20) |");
    expect(md).toContain("`./run-test.sh bisect bun-node disconnect.signal 1.1.20 1.2.23`");
    expect(md).toMatch(/`disconnect\.signal` on bun 1\.2\.23: upstream says it fails .*oven-sh\/bun#14697/);
    expect(md).toContain("Unchanged over every version tested: `flush.tiny` (pass)");
    const json = matrixJson(matrix) as { checks: Record<string, { __compat: { support: Record<string, unknown> } }> };
    expect(json.checks["disconnect.signal"]!.__compat.support["bun-node"]).toMatchObject({ version_added: "≤1.2.23" });
  });
});
