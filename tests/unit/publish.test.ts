/** Publishing (suite/table/publish.ts): what goes where in results/. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { ROOT } from "../../suite/files/paths.ts";
import { publish, VERSION_RUNS_DIR } from "../../suite/table/publish.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "publish-"));
  for (const sub of ["runs", "results", "out"]) mkdirSync(join(dir, sub));
  copyFileSync(join(ROOT, "results/bun.json"), join(dir, "runs/bun.json"));
  copyFileSync(join(ROOT, "results/bun.json"), join(dir, "runs/bun@1.1.26.json"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("puts the runs at other versions beside the matrices, in results/versions/, never among the table's runs", () => {
  const { copied } = publish({ runsDir: join(dir, "runs"), resultsDir: join(dir, "results"), outRoot: join(dir, "out") });
  expect(existsSync(join(dir, "results", VERSION_RUNS_DIR, "bun@1.1.26.json"))).toBe(true);
  expect(existsSync(join(dir, "results", "bun@1.1.26.json"))).toBe(false);
  expect(copied.some((f) => f.endsWith("bun.json"))).toBe(true);
});

test("publishes no version runs when targets are named", () => {
  publish({ runsDir: join(dir, "runs"), resultsDir: join(dir, "results"), outRoot: join(dir, "out"), targets: ["bun"] });
  expect(existsSync(join(dir, "results", VERSION_RUNS_DIR))).toBe(false);
});
