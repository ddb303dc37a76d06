/** Closing a matrix's holes by bisection (suite/versions/close-holes.ts), with a fake runtime. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import type { CheckResult, Status } from "../../suite/model/results.ts";
import { closeHoles } from "../../suite/versions/close-holes.ts";
import { listBisectLogs } from "../../suite/files/layout.ts";
import { loadMatrixData } from "../../suite/versions/matrix-report.ts";
import { compareVersions } from "../../suite/model/versions.ts";

const PUBLISHED = ["1.1.20", "1.1.21", "1.1.22", "1.1.23", "1.1.24", "1.1.25", "1.1.26", "1.1.27", "1.1.28", "1.1.29", "1.1.30"];
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "close-holes-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The matrix's own runs at the two ends (1.1.20 fails both checks, 1.1.30 passes both), then whatever the closing logged in `dir`. */
function load() {
  const data = loadMatrixData("bun", dir);
  for (const id of ["a", "b"]) {
    data.observations.set(id, [
      { version: "1.1.20", status: "fail", message: "fail", source: "bun@1.1.20.json" },
      { version: "1.1.30", status: "pass", message: "pass", source: "bun@1.1.30.json" },
      ...(data.observations.get(id) ?? []),
    ]);
  }
  return data;
}

/** A runtime where `a` passes from 1.1.27 and `b` from 1.1.23; `override` replaces a status. */
function runtime(override: (id: string, version: string, nth: number) => Status | undefined = () => undefined) {
  const calls: { version: string; checks: string[] }[] = [];
  const seen = new Map<string, number>();
  const run = async (version: string, checks: string[]) => {
    calls.push({ version, checks });
    const results: CheckResult[] = checks.map((id) => {
      const nth = (seen.get(`${id}@${version}`) ?? 0) + 1;
      seen.set(`${id}@${version}`, nth);
      const since = id === "a" ? "1.1.27" : "1.1.23";
      const status = override(id, version, nth) ?? (compareVersions(version, since) >= 0 ? "pass" : "fail");
      return { id, status, message: status, evidence: {}, durationMs: 1 };
    });
    return { results, date: new Date(Date.UTC(2026, 11, 1, 0, 0, calls.length)).toISOString() };
  };
  return { run, calls };
}

test("pins every hole to two adjacent versions and confirms both sides of each", async () => {
  const fake = runtime();
  const report = await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: fake.run });
  expect(report.closed).toEqual([
    { check: "a", before: "1.1.26", after: "1.1.27", from: "fail", to: "pass", confirmed: true },
    { check: "b", before: "1.1.22", after: "1.1.23", from: "fail", to: "pass", confirmed: true },
  ]);
  expect(report.open).toEqual([]);
});

test("runs the checks that share a hole in one run at its middle version", async () => {
  const fake = runtime();
  await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: fake.run });
  expect(fake.calls[0]).toEqual({ version: "1.1.25", checks: ["a", "b"] });
});

test("keeps one bisect log per check and hole, which the matrix reads", async () => {
  await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: runtime().run });
  expect(listBisectLogs(dir, "bun").map((l) => l.path)).toEqual(["bun/bisect/a/1.1.20_to_1.1.30.json", "bun/bisect/b/1.1.20_to_1.1.30.json"]);
  expect(loadMatrixData("bun", dir).observations.get("a")!.some((o) => o.version === "1.1.26")).toBe(true);
});

test("resumes from the logs: a second closing finds nothing left to run", async () => {
  await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: runtime().run });
  const again = runtime();
  const report = await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: again.run });
  expect(again.calls).toEqual([]);
  expect(report.runs).toBe(0);
});

test("reports a boundary whose side flips on the re-run as not confirmed", async () => {
  const fake = runtime((id, version, nth) => (id === "a" && version === "1.1.27" && nth === 2 ? "fail" : undefined));
  const report = await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: fake.run });
  expect(report.closed.find((c) => c.check === "a")).toMatchObject({ before: "1.1.26", after: "1.1.27", confirmed: false });
});

test("bisects on around a version whose run says nothing (an error), which stays what it is", async () => {
  const fake = runtime((id, version) => (id === "a" && version === "1.1.25" ? "error" : undefined));
  const report = await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: fake.run });
  expect(report.closed.filter((c) => c.check === "a").map((c) => `${c.from} ${c.before} → ${c.to} ${c.after}`)).toEqual([
    "fail 1.1.24 → unknown 1.1.25",
    "unknown 1.1.25 → fail 1.1.26",
    "fail 1.1.26 → pass 1.1.27",
  ]);
  expect(report.open).toEqual([]);
});

test("leaves a hole with a flaky side open and says why", async () => {
  const fake = runtime();
  const flakyLoad = () => {
    const data = load();
    data.observations.get("a")!.push({ version: "1.1.30", status: "fail", message: "fail", source: "bun@1.1.30.json" });
    return data;
  };
  const report = await closeHoles({ target: "bun", published: PUBLISHED, dir, load: flakyLoad, run: fake.run, checks: ["a"] });
  expect(report.open.map((o) => o.why)).toContain("fail on 1.1.20, flaky on 1.1.30: a side flips");
  expect(fake.calls).toEqual([]);
});

test("closes only the holes of the checks asked for", async () => {
  const fake = runtime();
  const report = await closeHoles({ target: "bun", published: PUBLISHED, dir, load, run: fake.run, checks: ["b"] });
  expect(fake.calls.every((c) => c.checks.join() === "b")).toBe(true);
  expect(report.closed.map((c) => c.check)).toEqual(["b"]);
});
