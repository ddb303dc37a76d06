/**
 * The registry is the one declaration of every check: these tests hold it to that. A brief of check
 * ids written elsewhere (a Markdown file whose table rows start with an id) can be held to it too:
 * `SSE_CHECKS_BRIEF=path/to/CHECKS.md npm run test:unit`; every id there must be in the registry.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { renderCatalogue } from "../../suite/catalogue/render.ts";
import { ALL_CHECKS } from "../../suite/checks/registry.ts";
import { ROOT } from "../../suite/files/paths.ts";

const BRIEF = process.env.SSE_CHECKS_BRIEF;

/** The check ids of the brief: the first cell of its tables' rows. */
function briefIds(text: string): string[] {
  return [...text.matchAll(/^\| `([a-z0-9]+\.[a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
}

describe("the registry", () => {
  test("runs each browser check in every engine, a check each", () => {
    const browser = ALL_CHECKS.filter((c) => c.group === "G");
    expect(browser.length).toBeGreaterThan(0);
    for (const check of browser) expect(check.id).toBe(`${check.base}[${check.engine}]`);
    const bases = [...new Set(browser.map((c) => c.base))];
    expect(browser.length).toBe(bases.length * 3);
  });

  test("declares each id once", () => {
    const ids = ALL_CHECKS.map((check) => check.id);
    expect(ids.length).toBe(new Set(ids).size);
  });

  test("judges each figure by one of the check's own bounds", () => {
    const problems = ALL_CHECKS.filter((c) => c.figure?.bound !== undefined && !(c.figure.bound in c.bounds)).map((c) => `${c.id}: ${c.figure!.bound}`);
    expect(problems).toEqual([]);
  });

  test("names for each check only fixtures that exist", () => {
    const missing = ALL_CHECKS.flatMap((c) => Object.keys(c.calibration).filter((f) => !existsSync(join(ROOT, "tests", "fixtures", `${f}.ts`))).map((f) => `${c.id}: ${f}`));
    expect(missing).toEqual([]);
  });

  test("is what CHECKS.md says (regenerate it with ./run-test.sh catalogue)", () => {
    expect(readFileSync(join(ROOT, "CHECKS.md"), "utf8")).toBe(renderCatalogue());
  });
});

describe.skipIf(!BRIEF)(`a brief of check ids${BRIEF ? ` (${BRIEF})` : " (skipped: SSE_CHECKS_BRIEF names no brief)"}`, () => {
  const brief = BRIEF ? readFileSync(BRIEF, "utf8") : "";

  test("finds check ids in the brief", () => {
    expect(briefIds(brief).length).toBeGreaterThan(20);
  });

  test("every id of the brief is in the registry", () => {
    const registered = new Set(ALL_CHECKS.map((c) => c.base ?? c.id));
    expect(briefIds(brief).filter((id) => !registered.has(id))).toEqual([]);
  });
});
