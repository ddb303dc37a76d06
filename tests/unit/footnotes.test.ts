/**
 * The footnotes of the table (suite/table/footnotes.ts, numbered by suite/table/model.ts, printed by
 * suite/table/markdown.ts): every cell that does not pass has one that quotes the run, curated
 * knowledge is cited, and a result that contradicts upstream is footnoted even where it passes.
 */
import { describe, expect, test } from "vitest";
import type { TargetResults } from "../../suite/model/results.ts";
import { buildCompat, type SupportStatement } from "../../suite/table/compat-json.ts";
import { NO_REFERENCE } from "../../suite/table/footnotes.ts";
import { renderMarkdown } from "../../suite/table/markdown.ts";
import { buildModel } from "../../suite/table/model.ts";
import { markdown, model, SAMPLE } from "./report-fixtures.ts";

/** Every cell of the table with its result, column and row, seed rows included. */
function allCells() {
  const seed = model.seedRows.flatMap((row) => row.cells.flatMap((cells, column) => cells.map((cell) => ({ cell, column, row: row.label }))));
  const checks = model.groups.flatMap((g) => g.rows.flatMap((row) => row.cells.map((cell, column) => ({ cell, column, row: row.id }))));
  return [...seed, ...checks];
}

/** The sample with node's flush.tiny failing, a cell no curated note explains. */
function withFlushTinyFailingOnNode(): TargetResults[] {
  const altered: TargetResults[] = structuredClone(SAMPLE);
  Object.assign(altered[0]!.checks.find((c) => c.id === "flush.tiny")!, {
    status: "fail",
    message: "a 1-byte event arrived 41 ms after publication",
    figure: { value: 41, unit: "ms", label: "delay" },
  });
  return altered;
}

describe("COMPATIBILITY.md's footnotes", () => {
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
    const alteredModel = buildModel(withFlushTinyFailingOnNode());
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
    const alteredModel = buildModel(withFlushTinyFailingOnNode());
    const note = alteredModel.footnotes.find((f) => f.check === "flush.tiny")!;
    expect(note).toMatchObject({ target: "node", status: "fail", curated: false, upstream: [] });
    const line = renderMarkdown(alteredModel).split("\n").find((l) => l.startsWith(`${note.number}. `))!;
    expect(line).toContain(NO_REFERENCE);
    expect(line).toContain("“a 1-byte event arrived 41 ms after publication”");
    expect(line).toContain("41 ms delay");
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
