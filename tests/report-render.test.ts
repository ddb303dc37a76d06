/**
 * report.html in headless Chromium, written from the fixed sample (tests/unit/report-fixtures.ts):
 * its table and charts render, nothing is fetched from anywhere, no script fails, and the filter
 * hides the rows where every target passes. What needs no browser is specified in tests/unit/
 * (table-model, markdown, footnotes, compat-json, bench-section, version-ranges, matrix-report,
 * published-versions, seed-table).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { chromiumMissing, withBrowser } from "../suite/harness/browser.ts";
import { CHARTS } from "../suite/table/charts.ts";
import { writeReport } from "../suite/table/publish.ts";
import { SEED_ROWS } from "../suite/table/rows.ts";
import { model, SAMPLE } from "./unit/report-fixtures.ts";

describe("report.html", () => {
  const missing = chromiumMissing();
  test.skipIf(missing !== undefined)(`renders in headless Chromium with its table and charts${missing ? ` (skipped: ${missing})` : ""}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sse-report-"));
    try {
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
