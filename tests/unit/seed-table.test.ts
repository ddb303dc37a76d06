/**
 * The seed's servers' table: a section of its own after the runtimes' table, in COMPATIBILITY.md,
 * compat.json and report.html alike, as writeReport (suite/table/publish.ts) writes them into an
 * empty folder; Rocket, which no Debian package provides, has a column that says so.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { TargetResults } from "../../suite/model/results.ts";
import { writeReport } from "../../suite/table/publish.ts";
import { SEED_ROWS } from "../../suite/table/rows.ts";
import { SAMPLE } from "./report-fixtures.ts";

describe("the seed's servers' section", () => {
  // A real run of the seed's app on cheroot (evidence trimmed), published beside the runtimes' sample.
  const SEED_SAMPLE: TargetResults[] = JSON.parse(readFileSync(new URL("../testdata/seed-results.json", import.meta.url), "utf8"));
  const out = mkdtempSync(join(tmpdir(), "seed-report-"));
  const { model: runtimes, seed, files } = writeReport([...SAMPLE, ...SEED_SAMPLE], { resultsDir: out, outRoot: out });
  const text = readFileSync(files.markdown, "utf8");
  const section = text.slice(text.indexOf("## The seed's servers, remeasured"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("follows the runtimes' table, which keeps only the runtimes' columns", () => {
    expect(text.indexOf("## The seed's servers, remeasured")).toBeGreaterThan(text.indexOf("## Footnotes"));
    expect(runtimes.columns.map((c) => c.target)).not.toContain("cherrypy");
  });

  test("asks the seed's six questions first, in its words, one column per server with its version", () => {
    const header = section.split("\n").find((line) => line.startsWith("| question | our checks |"))!;
    expect(header).toMatch(/\| cherrypy 9\.0\.0 \(python 3\.11\.2\) \| rocket \(Rocket\) \|$/);
    expect(section.indexOf("### The seed's questions")).toBeLessThan(section.indexOf("### Every check"));
    for (const row of SEED_ROWS) expect(section).toContain(`| ${row.label} |`);
  });

  test("says in Rocket's column, in every row, that it cannot be installed, and why", () => {
    const tables = section.slice(section.indexOf("### The seed's questions"), section.indexOf("### Footnotes"));
    const rows = tables.split("\n").filter((line) => line.startsWith("| ") && !/^\| (question|check) \|/.test(line) && !line.startsWith("| ---"));
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) expect(row).toMatch(/\| not installable \|$/);
    expect(section).toMatch(/\| `rocket` \| — \| rocket \(Rocket\) \|.*no Debian package provides Rocket/);
  });

  test("numbers its footnotes after the runtimes', each with a cause from the server's own code where one is curated", () => {
    expect(seed!.footnotes[0]!.number).toBe(runtimes.footnotes.length + 1);
    const cherootStop = seed!.footnotes.find((f) => f.check === "sigint.open-streams")!;
    expect(cherootStop.curated).toBe(true);
    expect(cherootStop.upstream.join(" ")).toContain("cheroot/workers/threadpool.py");
    expect(section).toContain(`<a id="note-${cherootStop.number}"></a>`);
  });

  test("is in compat.json beside the runtimes, Rocket's statements null with the reason", () => {
    const compat = JSON.parse(readFileSync(files.compat, "utf8"));
    expect(compat.runs.map((r: { run: { target: string } }) => r.run.target)).toContain("cherrypy");
    const support = compat.checks["concurrency.two"].__compat.support;
    expect(support.cherrypy.version_added).toBe("9.0.0");
    expect(support.rocket).toEqual({ version_added: null, notes: [expect.stringMatching(/^not installable: no Debian package provides Rocket/)] });
  });

  test("is in report.html", () => {
    const html = readFileSync(files.html, "utf8");
    expect(html).toContain(`<h2 id="seed-servers">The seed's servers, remeasured</h2>`);
    expect(html).toContain('id="seed-servers-group-A"');
    expect(html.match(/id="hide-pass"/g)).toHaveLength(1);
  });
});
