/** The tree of a runs or results folder (suite/files/layout.ts) and its versioned files. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { bisectLogPath, checkFolder, listBisectLogs, listRuns, matrixPaths, runPath } from "../../suite/files/layout.ts";
import { ROOT } from "../../suite/files/paths.ts";
import { readRun, ResultsMissingError, writeRun } from "../../suite/files/run-files.ts";
import { readVersioned, SchemaError, writeVersioned } from "../../suite/files/versioned-json.ts";

const fresh = () => mkdtempSync(join(tmpdir(), "sse-layout-"));
const touch = (file: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "{}");
};
const rel = (dir: string, file: string) => relative(dir, file);

describe("the layout", () => {
  test("puts a target's run, its runs at other versions, subsets and shards in the target's folder", () => {
    const dir = fresh();
    expect(rel(dir, runPath(dir, "bun"))).toBe("bun/run.json");
    expect(rel(dir, runPath(dir, "bun@1.1.26"))).toBe("bun/versions/1.1.26.json");
    expect(rel(dir, runPath(dir, "bun@1.1.26", { partial: true }))).toBe("bun/versions/1.1.26.partial.json");
    expect(rel(dir, runPath(dir, "deno+no-legacy-abort@2.9.5", { shard: { index: 2, total: 8 } }))).toBe("deno+no-legacy-abort/versions/2.9.5.shard-2-of-8.json");
    expect(rel(dir, runPath(dir, "fixture:flawless"))).toBe("fixture_flawless/run.json");
  });

  test("names no file with a character a shell treats as a pattern", () => {
    const dir = fresh();
    const names = [bisectLogPath(dir, "bun", "browser.reconnect[firefox]", "1.1.26", "1.1.38"), runPath(dir, "bun@1.1.26"), matrixPaths(dir, "bun").json];
    for (const name of names) expect(rel(dir, name)).not.toMatch(/[[\]*?@]|\.\./);
    expect(checkFolder("browser.reconnect[firefox]")).toBe("browser.reconnect.firefox");
  });

  test("lists back what it names, with the version, subset and shard each name says", () => {
    const dir = fresh();
    for (const id of ["bun", "bun@1.1.26"]) touch(runPath(dir, id));
    touch(runPath(dir, "bun@1.1.27", { partial: true }));
    touch(runPath(dir, "node", { shard: { index: 1, total: 2 } }));
    expect(listRuns(dir).map(({ path, version, partial, shard }) => ({ path, version, partial, shard }))).toEqual([
      { path: "bun/run.json", version: undefined, partial: undefined, shard: undefined },
      { path: "bun/versions/1.1.26.json", version: "1.1.26", partial: undefined, shard: undefined },
      { path: "bun/versions/1.1.27.partial.json", version: "1.1.27", partial: true, shard: undefined },
      { path: "node/run.shard-1-of-2.json", version: undefined, partial: undefined, shard: { index: 1, total: 2 } },
    ]);
  });

  test("keeps one bisect log per check and interval, listed by path", () => {
    const dir = fresh();
    touch(bisectLogPath(dir, "bun", "sigint.idle", "1.1.26", "1.1.38"));
    touch(bisectLogPath(dir, "bun", "sigint.idle", "1.0.36", "1.1.26"));
    expect(listBisectLogs(dir, "bun").map((l) => l.path)).toEqual(["bun/bisect/sigint.idle/1.0.36_to_1.1.26.json", "bun/bisect/sigint.idle/1.1.26_to_1.1.38.json"]);
  });
});

describe("versioned files", () => {
  test("write their schema version first", () => {
    const file = writeVersioned(join(fresh(), "m.json"), "matrix", { target: "bun", schemaVersion: 0 });
    expect(readFileSync(file, "utf8").split("\n")[1]).toBe('  "schemaVersion": 1,');
  });

  test("refuse a file of another schema version, naming the command that writes a current one", () => {
    const file = join(fresh(), "m.json");
    writeFileSync(file, JSON.stringify({ schemaVersion: 7 }));
    expect(() => readVersioned(file, "matrix", "./run-test.sh matrix bun")).toThrow(SchemaError);
    expect(() => readVersioned(file, "matrix", "./run-test.sh matrix bun")).toThrow(/schemaVersion 7.*schemaVersion 1: \.\/run-test\.sh matrix bun/);
  });

  test("a run written is read back; one without a schema version is refused", () => {
    const published = readRun(runPath(join(ROOT, "results"), "bun"));
    const dir = fresh();
    const file = writeRun(published, { dir });
    expect(readRun(file).checks).toEqual(published.checks);
    const { schemaVersion: _, ...old } = published;
    writeFileSync(file, JSON.stringify(old));
    expect(() => readRun(file)).toThrow(ResultsMissingError);
  });
});
