/** The curated explanations of version boundaries (suite/curated/boundaries.ts). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { BOUNDARY_NOTES, boundaryNote } from "../../suite/curated/boundaries.ts";
import { citation } from "../../suite/curated/citations.ts";
import { ROOT } from "../../suite/files/paths.ts";

const sources = readFileSync(join(ROOT, "suite/curated/sources.md"), "utf8");

test("every upstream reference of a boundary note was read and is recorded in sources.md", () => {
  const recorded = (u: string) => sources.includes(citation(u).text) || (citation(u).url !== undefined && sources.includes(citation(u).url!));
  const missing = BOUNDARY_NOTES.flatMap((n) => n.upstream).filter((u) => !recorded(u));
  expect(missing).toEqual([]);
});

test("a note explains a boundary only at its own version", () => {
  expect(boundaryNote("disconnect.cancel", { target: "bun", runtime: "bun", after: "1.1.27" })?.upstream).toContain("oven-sh/bun#6758");
  expect(boundaryNote("disconnect.cancel", { target: "bun", runtime: "bun", after: "1.1.28" })).toBeUndefined();
});

test("a note for one target does not explain another target on the same runtime", () => {
  expect(boundaryNote("disconnect.cancel", { target: "bun-node", runtime: "bun", after: "1.1.27" })).toBeUndefined();
});

test("a versioned target id (bun@1.1.27) is the target's", () => {
  expect(boundaryNote("disconnect.cancel", { target: "bun@1.1.27", runtime: "bun", after: "1.1.27" })).toBeDefined();
});

test("a note for every check (\"*\") explains any boundary of its target at its version", () => {
  expect(boundaryNote("flush.tiny", { target: "deno-node", runtime: "deno", after: "2.3.0" })?.upstream).toEqual(["denoland/deno#29056"]);
  expect(boundaryNote("flush.tiny", { target: "deno", runtime: "deno", after: "2.3.0" })).toBeUndefined();
});
