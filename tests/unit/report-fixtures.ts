/**
 * Fixtures of the published report's tests (tests/unit/table-model, markdown, footnotes, compat-json,
 * version-ranges, seed-table, and the Chromium render in tests/report-render.test.ts).
 *
 * SAMPLE is tests/testdata/fixture-results.json: real result files of node, deno and bun (one run
 * each on the development machine), trimmed: the bulky evidence removed, which the report does not
 * publish. `model` and `markdown` are the table built from it; a test that needs another sample
 * alters a structuredClone of SAMPLE, never SAMPLE itself.
 */
import { readFileSync } from "node:fs";
import { runPath } from "../../suite/files/layout.ts";
import type { TargetResults } from "../../suite/model/results.ts";
import { renderMarkdown } from "../../suite/table/markdown.ts";
import { buildModel } from "../../suite/table/model.ts";
import type { Observation } from "../../suite/versions/ranges.ts";

export const SAMPLE: TargetResults[] = JSON.parse(readFileSync(new URL("../testdata/fixture-results.json", import.meta.url), "utf8"));
export const model = buildModel(SAMPLE);
export const markdown = renderMarkdown(model);

/** Published versions of a made-up runtime, with the gaps Bun's list has (no 1.1.23, 1.2.1–1.2.22). */
export const PUBLISHED = ["1.1.20", "1.1.21", "1.1.22", "1.1.24", "1.1.25", "1.1.26", "1.1.27", "1.1.28", "1.1.29", "1.1.30", "1.2.0", "1.2.23"];

/** One observation of a check at `version`, its source named as in a runs folder (`x/versions/1.1.20.json`). */
export const obs = (version: string, status: Observation["status"], source = runPath("", `x@${version}`)): Observation => ({ version, status, message: status, source });
