/**
 * The published report, generated from a fixed sample: tests/testdata/fixture-results.json holds real
 * result files of node, deno and bun (one run each on the development machine), trimmed: the bulky
 * evidence removed, which the report does not publish.
 *
 * The table starts with the seed's six rows in the seed's words, every cell that does not pass has a
 * footnote that quotes the run, compat.json states support per check and target, and report.html
 * renders in headless Chromium with its table and charts and nothing fetched from anywhere.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import type { TargetResults } from "../suite/model/results.ts";
import { chromiumMissing, withBrowser } from "../suite/harness/browser.ts";
import { ALL_CHECKS } from "../suite/checks/registry.ts";
import { NOT_RUN_MARK } from "../suite/table/format.ts";
import { SEED_ROWS } from "../suite/table/rows.ts";
import { renderBenchSection, shareOfCeiling, type BenchResults } from "../suite/table/bench-section.ts";
import { mergeRanges, renderRangesMarkdown, versionRanges, type MatrixFile } from "../suite/table/version-ranges.ts";
import { CHARTS } from "../suite/table/charts.ts";
import { buildCompat, type SupportStatement } from "../suite/table/compat-json.ts";
import { writeReport } from "../suite/table/publish.ts";
import { renderMarkdown } from "../suite/table/markdown.ts";
import { buildModel } from "../suite/table/model.ts";
import { NO_REFERENCE } from "../suite/table/footnotes.ts";
import { provenance } from "../suite/table/run-info.ts";
import { buildMatrix, matrixJson, renderMatrixMarkdown, type MatrixData } from "../suite/versions/matrix-report.ts";
import { latestOfEachMajor, latestPatchOfEachMinor, versionsBetween } from "../suite/versions/published.ts";
import { computeRanges, type Observation } from "../suite/versions/ranges.ts";

const SAMPLE: TargetResults[] = JSON.parse(readFileSync(new URL("./testdata/fixture-results.json", import.meta.url), "utf8"));
const model = buildModel(SAMPLE);
const markdown = renderMarkdown(model);

/** Every cell of the table with its result, column and row, seed rows included. */
function allCells() {
  const seed = model.seedRows.flatMap((row) => row.cells.flatMap((cells, column) => cells.map((cell) => ({ cell, column, row: row.label }))));
  const checks = model.groups.flatMap((g) => g.rows.flatMap((row) => row.cells.map((cell, column) => ({ cell, column, row: row.id }))));
  return [...seed, ...checks];
}

/** Markdown table rows (lines starting with "|") that follow a heading, header and rule excluded. */
function tableRowsAfter(heading: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  const rows: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i]!.startsWith("#")) break;
    if (lines[i]!.startsWith("|")) rows.push(lines[i]!);
  }
  return rows.slice(2);
}

describe("the rows of the table", () => {
  test("hold every check of the registry once, in its declared group, with its declared kind", () => {
    const rows = model.groups.filter((g) => g.letter !== "?").flatMap((g) => g.rows.map((r) => `${g.letter} ${r.id} ${r.kind}`));
    expect(rows).toEqual(ALL_CHECKS.map((c) => `${c.group} ${c.id} ${c.kind}`));
  });

  test("put an id the registry does not know (an old run's) under Other checks", () => {
    // The sample's runs of 2026-11-21 predate the browser checks per engine: `browser.eventsource`.
    const other = model.groups.find((g) => g.letter === "?")!;
    expect(other.title).toBe("Other checks");
    expect(other.rows.map((r) => r.id)).toEqual(["browser.eventsource", "browser.reconnect"]);
  });

  test("answer every seed question with at least one check", () => {
    for (const seed of SEED_ROWS) expect(seed.checks.length, seed.label).toBeGreaterThan(0);
  });
});

describe("COMPATIBILITY.md", () => {
  test("opens with the run information and where it comes from", () => {
    const head = markdown.slice(0, markdown.indexOf("## The seed's questions"));
    expect(head).toContain(provenance(model));
    for (const label of ["date", "OS", "arch", "runtimes", "libraries", "suite commit", "environment"]) expect(head).toContain(`**${label}**`);
    for (const run of SAMPLE) expect(head).toContain(`${run.run.runtime} ${run.run.runtimeVersion}`);
  });

  test("has one column per target, its runtime version in the header", () => {
    const header = markdown.split("\n").find((l) => l.startsWith("| question |"))!;
    expect(header).toBe("| question | our checks | node 24.21.0 | deno 2.9.6 | bun 1.4.5 |");
  });

  test("lists the seed's six rows first, in the seed's words, each mapped to our checks", () => {
    expect(markdown.indexOf("## The seed's questions")).toBeLessThan(markdown.indexOf("## Every check"));
    const rows = tableRowsAfter("## The seed's questions");
    expect(rows.map((r) => r.split(" | ")[0]!.slice(2))).toEqual([
      "handles concurrent requests",
      "stops thread/calling next()",
      "calls close()",
      "does not throw or spew",
      "properly sends chunks",
      "stops (cleanly) on Ctrl-C",
    ]);
    expect(rows[0]).toContain("`concurrency.two` + `concurrency.many`");
    expect(rows[5]).toContain("`sigint.open-streams`");
  });

  test("then every check, by group A to H, with its kind", () => {
    const headings = markdown.split("\n").filter((l) => l.startsWith("### "));
    expect(headings.slice(0, 8).map((h) => h.slice(4, 5))).toEqual(["A", "B", "C", "D", "E", "F", "G", "H"]);
    for (const run of SAMPLE) {
      for (const result of run.checks) expect(markdown).toMatch(new RegExp(`\\| \`${result.id.replace(".", "\\.")}\` \\| (fact|outcome) \\|`));
    }
    expect(markdown).toMatch(/\| `disconnect\.signal` \| fact \|/);
    expect(markdown).toMatch(/\| `disconnect\.producer-stops` \| outcome \|/);
  });

  test("gives every cell that does not pass a footnote, and every footnote quotes the run", () => {
    const notPassing = allCells().filter(({ cell }) => cell.result && cell.result.status !== "pass");
    expect(notPassing.length).toBeGreaterThan(0);
    for (const { cell, row, column } of notPassing) {
      expect(cell.footnote, `${row} on ${model.columns[column]!.target}`).toBeDefined();
      const note = model.footnotes[cell.footnote! - 1]!;
      expect(note.check).toBe(cell.result!.id);
      expect(note.target).toBe(model.columns[column]!.target);
      expect(note.observed).toContain(cell.result!.message.slice(0, 60));
      expect(markdown).toContain(`[[${note.number}]](#note-${note.number})`);
      expect(markdown).toContain(`${note.number}. <a id="note-${note.number}"></a>`);
    }
    // A passing cell carries none, unless it contradicts upstream (none does in this sample).
    expect(allCells().filter(({ cell }) => cell.result?.status === "pass" && cell.footnote !== undefined)).toEqual([]);
  });

  test("cites upstream where the knowledge is curated, and names the workaround at work beside a passing outcome", () => {
    const legacyAbort = model.footnotes.find((f) => f.target === "deno" && f.check === "completion.signal-quiet")!;
    expect(legacyAbort.curated).toBe(true);
    expect(legacyAbort.upstream).toContain("denoland/deno#27005");
    expect(legacyAbort.workaroundFor).toContain("disconnect.producer-stops");
    // No flagged run in the sample: no flag, whatever anyone knows about it.
    expect(legacyAbort.flag).toBeUndefined();
    const headers = model.footnotes.find((f) => f.target === "bun" && f.check === "flush.headers")!;
    expect(headers.upstream).toContain("oven-sh/bun#33660");
    expect(markdown).toMatch(/Workaround at work: `flush\.per-event`.* pass on bun because the dispatcher writes `retry:`/);
  });

  test("lists the non-pass cells that have no curated note yet (automatic footnotes)", () => {
    // The published sample may have none: a cell no note explains is made, so that the loop asserts.
    const altered: TargetResults[] = structuredClone(SAMPLE);
    Object.assign(altered[0]!.checks.find((c) => c.id === "flush.tiny")!, {
      status: "fail",
      message: "a 1-byte event arrived 41 ms after publication",
      figure: { value: 41, unit: "ms", label: "delay" },
    });
    const alteredModel = buildModel(altered);
    const alteredMarkdown = renderMarkdown(alteredModel);
    const automatic = alteredModel.footnotes.filter((f) => !f.curated);
    expect(automatic.length).toBeGreaterThan(0);
    // Printed so that whoever reads the test output sees what still lacks an upstream reference.
    console.info(
      automatic.length
        ? `cells without upstream reference yet:\n${automatic.map((f) => `  ${f.target} ${f.check} ${f.status}: ${f.observed}`).join("\n")}`
        : "every non-pass cell has a curated footnote",
    );
    for (const note of automatic) {
      expect(note.upstream).toEqual([]);
      expect(alteredMarkdown).toContain(`${note.number}. <a id="note-${note.number}"></a>`);
      expect(alteredMarkdown.split("\n").find((l) => l.startsWith(`${note.number}. `))).toContain(NO_REFERENCE);
    }
  });

  test("gives a non-pass cell that no curated note explains an automatic footnote quoting the run", () => {
    const altered: TargetResults[] = structuredClone(SAMPLE);
    const tiny = altered[0]!.checks.find((c) => c.id === "flush.tiny")!;
    Object.assign(tiny, { status: "fail", message: "a 1-byte event arrived 41 ms after publication", figure: { value: 41, unit: "ms", label: "delay" } });
    const alteredModel = buildModel(altered);
    const note = alteredModel.footnotes.find((f) => f.check === "flush.tiny")!;
    expect(note).toMatchObject({ target: "node", status: "fail", curated: false, upstream: [] });
    const line = renderMarkdown(alteredModel).split("\n").find((l) => l.startsWith(`${note.number}. `))!;
    expect(line).toContain(NO_REFERENCE);
    expect(line).toContain("“a 1-byte event arrived 41 ms after publication”");
    expect(line).toContain("41 ms delay");
  });

  test("shows a check that did not run on a target as not run, with no footnote", () => {
    // A run without sigint.open-streams: its cells must read "not run".
    const altered: TargetResults[] = structuredClone(SAMPLE);
    altered[0]!.checks = altered[0]!.checks.filter((c) => c.id !== "sigint.open-streams");
    const alteredModel = buildModel(altered);
    const unrun = alteredModel.groups.flatMap((g) => g.rows.flatMap((r) => r.cells)).filter((cell) => !cell.result);
    expect(unrun.length).toBeGreaterThan(0);
    for (const cell of unrun) expect(cell.footnote).toBeUndefined();
    const shutdownRow = renderMarkdown(alteredModel).split("\n").find((l) => l.startsWith("| stops (cleanly) on Ctrl-C"))!;
    expect(shutdownRow).toContain(NOT_RUN_MARK);
  });
});

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

describe("results that contradict upstream", () => {
  // The sample's Bun run as if it were bun-node (@hono/node-server on Bun's node:http) on Bun 1.3.14,
  // passing disconnect.signal and disconnect.cancel where oven-sh/bun#14697 / #29219 say it fails
  // (reported from 1.1.31; Bun 1.4.0 emits 'close': oven-sh/bun#35025).
  const bunNode: TargetResults = structuredClone(SAMPLE.find((r) => r.run.target === "bun")!);
  bunNode.run.target = "bun-node";
  bunNode.run.runtimeVersion = "1.3.14";
  for (const c of bunNode.checks) if (c.id === "disconnect.signal") Object.assign(c, { evidence: { observations: [{ variant: "fin/idle", ms: 3.4 }, { variant: "rst/writing", ms: 1.7 }] } });
  const withBunNode = buildModel([...SAMPLE, bunNode]);
  const text = renderMarkdown(withBunNode);

  test("footnote a passing cell where upstream reports a failure, with the claim and our figures", () => {
    const note = withBunNode.footnotes.find((f) => f.target === "bun-node" && f.check === "disconnect.signal")!;
    expect(note).toMatchObject({ status: "pass", curated: true });
    expect(note.contradicts).toMatchObject({ says: "fail", upstream: expect.arrayContaining(["oven-sh/bun#14697", "oven-sh/bun#29219"]) });
    expect(note.contradicts!.evidence).toContain("bun-node on bun 1.3.14: pass");
    expect(note.contradicts!.evidence).toContain("fin/idle 3.4 ms");
    const line = text.split("\n").find((l) => l.startsWith(`${note.number}. `))!;
    expect(line).toContain("**Contradicts upstream:** upstream says (curated) this fails here");
    expect(line).toContain("[oven-sh/bun#14697](https://github.com/oven-sh/bun/issues/14697)");
    const row = text.split("\n").find((l) => l.startsWith("| `disconnect.signal` |"))!;
    expect(row).toContain(`[[${note.number}]](#note-${note.number})`);
    const statement = buildCompat(withBunNode).checks["disconnect.signal"]!.__compat.support["bun-node"] as SupportStatement;
    expect(statement.version_added).toBe("1.3.14");
    expect(statement.notes!.join(" ")).toMatch(/^contradicts upstream: upstream says this fails here/);
  });

  test("leaves a pass on Bun 1.4.x alone: upstream's report is bounded to the versions it was made on", () => {
    const current: TargetResults = structuredClone(bunNode);
    current.run.runtimeVersion = "1.4.5";
    expect(buildModel([...SAMPLE, current]).footnotes.find((f) => f.target === "bun-node" && f.check === "disconnect.signal")).toBeUndefined();
  });

  test("leaves a pass alone where upstream agrees (Bun.serve's cancel() from 1.1.27, oven-sh/bun#6758)", () => {
    expect(model.footnotes.find((f) => f.target === "bun" && f.check === "disconnect.cancel")).toBeUndefined();
  });

  test("says so in the footnote of a failure where upstream reports it fixed", () => {
    const altered: TargetResults[] = structuredClone(SAMPLE);
    const cancel = altered.find((r) => r.run.target === "bun")!.checks.find((c) => c.id === "disconnect.cancel")!;
    Object.assign(cancel, { status: "fail", message: "the body's cancel() never within 3000 ms for fin/idle", figure: { value: 3000, unit: "ms", label: "worst latency" } });
    const note = buildModel(altered).footnotes.find((f) => f.target === "bun" && f.check === "disconnect.cancel")!;
    expect(note.contradicts).toMatchObject({ says: "pass", upstream: expect.arrayContaining(["oven-sh/bun#6758"]) });
  });
});

describe("version ranges", () => {
  const PUBLISHED = ["1.1.20", "1.1.21", "1.1.22", "1.1.24", "1.1.25", "1.1.26", "1.1.27", "1.1.28", "1.1.29", "1.1.30", "1.2.0", "1.2.23"];
  const obs = (version: string, status: Observation["status"], source = "results/x.json"): Observation => ({ version, status, message: status, source });

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

  test("select the newest patch of each minor, and the versions between two", () => {
    expect(latestPatchOfEachMinor(PUBLISHED, "1.1..1.2")).toEqual(["1.1.30", "1.2.23"]);
    expect(versionsBetween(PUBLISHED, "1.1.30", "1.1.22")).toEqual(["1.1.22", "1.1.24", "1.1.25", "1.1.26", "1.1.27", "1.1.28", "1.1.29", "1.1.30"]);
    expect(() => versionsBetween(PUBLISHED, "1.1.23", "1.1.30")).toThrow(/not a published version/);
  });

  test("select the newest version of each major (Node's releases)", () => {
    const node = ["22.5.1", "22.6.0", "22.23.5", "23.0.0", "23.11.1", "24.21.0", "24.22.3", "26.12.1"];
    expect(latestOfEachMajor(node, "22..26")).toEqual(["22.23.5", "23.11.1", "24.22.3", "26.12.1"]);
    expect(() => latestOfEachMajor(node, "27..30")).toThrow(/no published version/);
    expect(() => latestOfEachMajor(node, "22.1..26")).toThrow(/expected FROM\.\.TO/);
  });

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

describe("report.html", () => {
  const missing = chromiumMissing();
  test.skipIf(missing !== undefined)(`renders in headless Chromium with its table and charts${missing ? ` (skipped: ${missing})` : ""}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sse-report-"));
    const { files } = writeReport(SAMPLE, { resultsDir: dir, outRoot: dir });
    const expectedRows = model.groups.reduce((n, g) => n + g.rows.length, 0);
    const expectedBars = CHARTS.flatMap((chart) => chart.checks).reduce(
      (n, { id }) => n + SAMPLE.filter((run) => run.checks.some((c) => c.id === id && c.figure?.unit === "ms")).length,
      0,
    );
    const seen = await withBrowser(async (browser) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(files.html).href);
      const counts = await page.evaluate(() => ({
        seedRows: document.querySelectorAll("table#seed tbody tr").length,
        seedLabels: [...document.querySelectorAll("table#seed tbody th")].map((th) => th.textContent),
        checkRows: document.querySelectorAll("table.checks tbody tr").length,
        headers: [...document.querySelectorAll("table#seed thead th")].map((th) => th.textContent),
        charts: document.querySelectorAll("figure.chart svg").length,
        bars: document.querySelectorAll("figure.chart svg rect.bar").length,
        footnotes: document.querySelectorAll("ol.notes li").length,
        brokenRefs: [...document.querySelectorAll("a.ref")].filter((a) => !document.querySelector((a as HTMLAnchorElement).hash)).length,
      }));
      // The filter hides rows where every target passes.
      await page.check("#hide-pass");
      const visibleAfterFilter = await page.evaluate(
        () => [...document.querySelectorAll("table.checks tbody tr")].filter((tr) => (tr as HTMLElement).offsetParent !== null).length,
      );
      await page.uncheck("#hide-pass");
      await page.screenshot({ path: "/tmp/sse-report.png", fullPage: true });
      return { counts, requested, errors, visibleAfterFilter };
    });
    expect(seen.errors).toEqual([]);
    expect(seen.requested.every((url) => url.startsWith("file://"))).toBe(true);
    expect(seen.counts.seedRows).toBe(SEED_ROWS.length);
    expect(seen.counts.seedLabels).toEqual(SEED_ROWS.map((s) => s.label));
    expect(seen.counts.headers).toEqual(["question", "our checks", "node 24.21.0", "deno 2.9.6", "bun 1.4.5"]);
    expect(seen.counts.checkRows).toBe(expectedRows);
    expect(seen.counts.charts).toBe(CHARTS.length);
    expect(seen.counts.bars).toBe(expectedBars);
    expect(seen.counts.footnotes).toBe(model.footnotes.length);
    expect(seen.counts.brokenRefs).toBe(0);
    expect(seen.visibleAfterFilter).toBeLessThan(expectedRows);
  });
});

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
    expect(statement.notes?.some((n) => n.includes("results/matrix-bun.md"))).toBe(true);
    expect(statement.notes?.at(-1)).toContain("at 1.1.27, upstream: Bun.serve calls cancel()");
  });
});

describe("the seed's servers' section", () => {
  // A real run of the seed's app on cheroot (evidence trimmed), published beside the runtimes' sample.
  const SEED_SAMPLE: TargetResults[] = JSON.parse(readFileSync(new URL("./testdata/seed-results.json", import.meta.url), "utf8"));
  const out = mkdtempSync(join(tmpdir(), "seed-report-"));
  const { model: runtimes, seed, files } = writeReport([...SAMPLE, ...SEED_SAMPLE], { resultsDir: out, outRoot: out });
  const text = readFileSync(files.markdown, "utf8");
  const section = text.slice(text.indexOf("## The seed's servers, remeasured"));

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
