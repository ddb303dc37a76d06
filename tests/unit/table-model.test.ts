/** The rows of the published table (suite/table/model.ts, from suite/table/rows.ts): the registry's checks, the seed's questions. */
import { GROUPS } from "../../suite/model/groups.ts";
import { describe, expect, test } from "vitest";
import { ALL_CHECKS } from "../../suite/checks/registry.ts";
import { SEED_ROWS } from "../../suite/table/rows.ts";
import { model } from "./report-fixtures.ts";

describe("the rows of the table", () => {
  test("hold every check of the registry once, in its declared group, with its declared kind", () => {
    const rows = model.groups.filter((g) => g.letter !== "?").flatMap((g) => g.rows.map((r) => `${g.letter} ${r.id} ${r.kind}`));
    const byGroup = GROUPS.flatMap((group) => ALL_CHECKS.filter((c) => c.group === group.letter));
    expect(rows).toEqual(byGroup.map((c) => `${c.group} ${c.id} ${c.kind}`));
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
