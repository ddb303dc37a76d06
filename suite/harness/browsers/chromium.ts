/** Chromium from Debian (`/usr/bin/chromium`), driven by playwright-core. */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withTimeout } from "../wait.ts";
import { ENGINE_PATHS, pageWrapper, unwrap, type BrowserEngine, type EnginePage, type Launcher } from "./engine.ts";
import { fencedExecutable } from "./fence.ts";
import { cmdline, killTree, listProcs, trackTree } from "./processes.ts";

/**
 * Off the network: this machine has none, and Chromium's background services would try (seen: many
 * refused connections at every start without these). playwright-core gives every launch a fresh
 * temporary --user-data-dir and removes it on close.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const launchChromium: Launcher = async (bounds) => {
  const { chromium } = await import("playwright-core");
  // playwright-core does not expose the browser's pid: an unknown switch marks our process.
  const marker = `--sse-engine=${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), "sse-chromium-"));
  const executablePath = await fencedExecutable(dir, ENGINE_PATHS.chromium);
  const browser = await chromium
    .launch({
      executablePath,
      headless: true,
      timeout: bounds.launchMs,
      args: [...CHROMIUM_ARGS, marker],
      // The harness decides when the browser goes; playwright's own signal handlers would race it.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
    .catch((error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
  const root = listProcs().find((p) => p.ppid === process.pid && cmdline(p.pid).includes(marker))?.pid;
  const tree = trackTree(() => (root ? [root] : []));
  const pages = new Set<EnginePage>();

  const engine: BrowserEngine = {
    name: "chromium",
    version: browser.version(),
    async newPage() {
      // A fresh context per page (its own cookies, cache and connection pool); closing the page closes it.
      // ignoreHTTPSErrors: the HTTP/2 half of browser.connection-limit uses a self-signed certificate.
      const page = await withTimeout(browser.newPage({ ignoreHTTPSErrors: true }), bounds.launchMs, "chromium newPage");
      const opened: EnginePage = {
        async goto(url) {
          await page.goto(url, { timeout: bounds.navigationMs, waitUntil: "load" });
        },
        async evaluate<T>(js: string) {
          return unwrap<T>(await withTimeout(page.evaluate(pageWrapper(js)), bounds.evaluateMs, "chromium evaluate"), "chromium");
        },
        async close() {
          pages.delete(opened);
          const sentAt = performance.now();
          await withTimeout(page.close(), 10_000, "chromium page close").catch(() => {});
          return sentAt;
        },
      };
      pages.add(opened);
      return opened;
    },
    async close() {
      for (const page of [...pages]) await page.close();
      const procs = tree.refresh();
      await withTimeout(browser.close(), 10_000, "chromium close").catch(() => {});
      await killTree(procs);
      tree.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return { engine, roots: root ? [root] : [] };
};
