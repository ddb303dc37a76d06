/** Publishing (suite/table/publish.ts): what goes where in results/. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { runPath } from "../../suite/files/layout.ts";
import { ROOT } from "../../suite/files/paths.ts";
import { publish } from "../../suite/table/publish.ts";
import { writeResultsIndex } from "../../suite/table/results-index.ts";

let dir: string;
const place = (from: string, to: string) => {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "publish-"));
  for (const sub of ["runs", "results", "out"]) mkdirSync(join(dir, sub));
  const published = runPath(join(ROOT, "results"), "bun");
  place(published, runPath(join(dir, "runs"), "bun"));
  place(published, runPath(join(dir, "runs"), "bun@1.1.26"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("puts the runs at other versions in the target's versions/, never among the table's runs", () => {
  const { copied } = publish({ runsDir: join(dir, "runs"), resultsDir: join(dir, "results"), outRoot: join(dir, "out") });
  expect(existsSync(join(dir, "results/bun/versions/1.1.26.json"))).toBe(true);
  expect(copied).toEqual(["bun/run.json", "bun/versions/1.1.26.json"]);
});

test("publishes no version runs when targets are named", () => {
  publish({ runsDir: join(dir, "runs"), resultsDir: join(dir, "results"), outRoot: join(dir, "out"), targets: ["bun"] });
  expect(existsSync(join(dir, "results/bun/versions"))).toBe(false);
});

test("writes an index of what results/ holds", () => {
  publish({ runsDir: join(dir, "runs"), resultsDir: join(dir, "results"), outRoot: join(dir, "out") });
  const index = readFileSync(join(dir, "results/README.md"), "utf8");
  expect(index).toContain("[bun/run.json](bun/run.json): the table's run");
  expect(index).toContain("1 runs at 1 runtime versions (1.1.26)");
});

test("gives compat.json its schema version", () => {
  publish({ runsDir: join(dir, "runs"), resultsDir: join(dir, "results"), outRoot: join(dir, "out") });
  expect(JSON.parse(readFileSync(join(dir, "results/compat.json"), "utf8")).schemaVersion).toBe(1);
});

test("results/README.md is what publish writes from the published tree (regenerate it with ./run-test.sh publish)", () => {
  expect(readFileSync(join(ROOT, "results/README.md"), "utf8")).toBe(writeResultsIndex(join(ROOT, "results")));
});
