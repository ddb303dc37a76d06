/** results/compat.json (suite/table/compat-json.ts): support per check and target, in browser-compat-data's terms. */
import { describe, expect, test } from "vitest";
import type { TargetResults } from "../../suite/model/results.ts";
import { buildCompat, type SupportStatement } from "../../suite/table/compat-json.ts";
import { buildModel } from "../../suite/table/model.ts";
import { model, SAMPLE } from "./report-fixtures.ts";

describe("compat.json", () => {
  const compat = buildCompat(model);
  const statement = (id: string, target: string) => compat.checks[id]!.__compat.support[target]!;

  test("keeps a record per target run without the bulky evidence", () => {
    expect(compat.runs.map((r) => r.run.target)).toEqual(["node", "deno", "bun"]);
    for (const record of compat.runs) {
      for (const check of record.checks) {
        expect(Object.keys(check)).not.toContain("evidence");
        expect(check.message).toBeTypeOf("string");
      }
    }
  });

  test("states support per check and target as browser-compat-data does", () => {
    expect(statement("disconnect.producer-stops", "node")).toEqual({ version_added: "24.21.0" });
    const headers = statement("flush.headers", "bun") as SupportStatement;
    expect(headers.version_added).toBe(false);
    expect(headers.notes!.join(" ")).toContain("oven-sh/bun#33660");
  });

  test("has no runtime flag without a flagged run that passes", () => {
    expect(statement("completion.signal-quiet", "deno")).toMatchObject({ version_added: false });
    expect(statement("completion.signal-quiet", "deno")).not.toHaveProperty("flags");
  });

  test("adds the runtime flag with which a flagged run of the same target passes", () => {
    const flagged: TargetResults = structuredClone(SAMPLE.find((r) => r.run.target === "deno")!);
    flagged.run.target = "deno+no-legacy-abort";
    flagged.run.runtimeFlags = ["--unstable-no-legacy-abort"];
    for (const c of flagged.checks) if (c.id === "completion.signal-quiet") Object.assign(c, { status: "pass", message: "no abort, no cancel()" });
    const withFlag = buildModel([...SAMPLE, flagged]);
    const legacy = buildCompat(withFlag).checks["completion.signal-quiet"]!.__compat.support["deno"] as SupportStatement[];
    expect(legacy).toHaveLength(2);
    expect(legacy[0]!.version_added).toBe(false);
    expect(legacy[1]).toMatchObject({ version_added: "2.9.6", flags: [{ type: "runtime_flag", name: "--unstable-no-legacy-abort" }] });
    expect(legacy[1]!.notes!.join(" ")).toContain("deno+no-legacy-abort");
    expect(withFlag.columns.map((c) => c.target)).toContain("deno+no-legacy-abort");
  });

  test("names the seed rows a check answers", () => {
    expect(compat.checks["flush.per-event"]!.__compat.seed).toEqual(["properly sends chunks"]);
    expect(compat.checks["concurrency.many"]!.__compat.seed).toEqual(["handles concurrent requests"]);
  });
});
