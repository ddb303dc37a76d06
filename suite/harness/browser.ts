/**
 * Chromium through playwright-core's own API, for the project's tests that need more than the engine
 * interface gives (the report's page: clicks, screenshots). The suite's checks use
 * browsers/engine.ts. Same binary and flags: never a browser download.
 */
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS } from "./browsers/chromium.ts";
import { ENGINE_PATHS, engineMissing } from "./browsers/engine.ts";

/** Why Chromium cannot run here, or undefined when it can. */
export const chromiumMissing = (): string | undefined => engineMissing("chromium");

/** A fresh headless Chromium (playwright-core gives it a temporary profile and removes it on close). */
export async function withBrowser<T>(body: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({ executablePath: ENGINE_PATHS.chromium, headless: true, timeout: 30_000, args: CHROMIUM_ARGS });
  try {
    return await body(browser);
  } finally {
    await browser.close().catch(() => {});
  }
}
