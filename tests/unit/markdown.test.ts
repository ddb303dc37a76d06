/** COMPATIBILITY.md (suite/table/markdown.ts): run information, one column per target, the seed's rows, then every check by group. */
import { GROUPS } from "../../suite/model/groups.ts";
import { describe, expect, test } from "vitest";
import type { TargetResults } from "../../suite/model/results.ts";
import { NOT_RUN_MARK } from "../../suite/table/format.ts";
import { renderMarkdown } from "../../suite/table/markdown.ts";
import { buildModel } from "../../suite/table/model.ts";
import { provenance } from "../../suite/table/run-info.ts";
import { markdown, model, SAMPLE } from "./report-fixtures.ts";

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

  test("then every check, by group in the declared order, with its kind", () => {
    const headings = markdown.split("\n").filter((l) => l.startsWith("### "));
    expect(headings.slice(0, GROUPS.length).map((h) => h.slice(4, 5))).toEqual(GROUPS.map((g) => g.letter));
    for (const run of SAMPLE) {
      for (const result of run.checks) expect(markdown).toMatch(new RegExp(`\\| \`${result.id.replace(/[.[\]]/g, "\\$&")}\` \\| (fact|outcome) \\|`));
    }
    expect(markdown).toMatch(/\| `disconnect\.signal` \| fact \|/);
    expect(markdown).toMatch(/\| `disconnect\.producer-stops` \| outcome \|/);
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
