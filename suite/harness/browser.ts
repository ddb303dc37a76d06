/**
 * Headless Chromium from Debian's `chromium` package, driven by playwright-core. Never a browser
 * download: where /usr/bin/chromium is absent, `chromiumMissing()` says why and checks skip.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.SSE_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser checks cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  return undefined;
}

/**
 * A fresh headless browser. playwright-core's launch() gives every browser a new temporary profile
 * (--user-data-dir) and removes it on close. The flags keep it off the network: this machine has
 * none, and Chromium's background services would otherwise try.
 */
export async function withBrowser<T>(body: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  try {
    return await body(browser);
  } finally {
    await browser.close().catch(() => {});
  }
}
