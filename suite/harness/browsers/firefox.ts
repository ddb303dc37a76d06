/** Firefox ESR from Debian (`/usr/bin/firefox-esr`), driven by puppeteer-core over WebDriver BiDi. */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withTimeout } from "../wait.ts";
import { ENGINE_PATHS, pageWrapper, unwrap, type BrowserEngine, type EnginePage, type Launcher } from "./engine.ts";
import { fencedExecutable } from "./fence.ts";
import { killTree, trackTree } from "./processes.ts";

/** puppeteer-core sets the usual automation prefs; these keep the remaining background connections quiet. */
export const FIREFOX_PREFS: Record<string, unknown> = {
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
  "browser.newtabpage.enabled": false,
};

export const launchFirefox: Launcher = async (bounds) => {
  const { default: puppeteer } = await import("puppeteer-core");
  const dir = mkdtempSync(join(tmpdir(), "sse-firefox-"));
  const profile = join(dir, "profile");
  mkdirSync(profile);
  // Firefox exits before its forkserver's children are reaped; fenced (fence.ts), the kernel reaps
  // them at once (otherwise ~2 s of orphan zombies on every close).
  const executablePath = await fencedExecutable(dir, ENGINE_PATHS.firefox);
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath,
      headless: true,
      protocol: "webDriverBiDi",
      // The HTTP/2 half of browser.connection-limit loads a page from a self-signed certificate.
      acceptInsecureCerts: true,
      userDataDir: profile,
      timeout: bounds.launchMs,
      protocolTimeout: bounds.launchMs,
      extraPrefsFirefox: FIREFOX_PREFS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const root = browser.process()?.pid;
  const tree = trackTree(() => (root ? [root] : []));
  const pages = new Set<EnginePage>();
  // "firefox/153.8.0" over BiDi: the number.
  const version = (await browser.version()).replace(/^firefox\//i, "");

  const engine: BrowserEngine = {
    name: "firefox",
    version,
    async newPage() {
      // A user context per page, so that each page has its own connection pool, as in Chromium; a
      // window, not a tab: a background tab is hidden and its timers are throttled to once a second.
      const context = await withTimeout(browser.createBrowserContext(), bounds.launchMs, "firefox new context");
      const page = await withTimeout(context.newPage({ type: "window" }), bounds.launchMs, "firefox newPage");
      const opened: EnginePage = {
        async goto(url) {
          await page.goto(url, { timeout: bounds.navigationMs, waitUntil: "load" });
        },
        async evaluate<T>(js: string) {
          return unwrap<T>(await withTimeout(page.evaluate(pageWrapper(js)), bounds.evaluateMs, "firefox evaluate"), "firefox");
        },
        async close() {
          pages.delete(opened);
          const sentAt = performance.now();
          await withTimeout(page.close(), 10_000, "firefox page close").catch(() => {});
          await withTimeout(context.close(), 10_000, "firefox context close").catch(() => {});
          return sentAt;
        },
      };
      pages.add(opened);
      return opened;
    },
    async close() {
      for (const page of [...pages]) await page.close();
      const procs = tree.refresh();
      await withTimeout(browser.close(), 10_000, "firefox close").catch(() => {});
      await killTree(procs);
      tree.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return { engine, roots: root ? [root] : [] };
};
