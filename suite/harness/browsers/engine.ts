/**
 * One small driver interface over three browser engines, all from Debian's packages, never a browser
 * download:
 *
 *   chromium  /usr/bin/chromium                     playwright-core (CDP over a pipe)         chromium.ts
 *   firefox   /usr/bin/firefox-esr                  puppeteer-core (WebDriver BiDi)           firefox.ts
 *   webkit    WebKitWebDriver + WebKitGTK's         our own W3C WebDriver client over fetch() webkit.ts
 *             MiniBrowser, under Xvfb
 *
 * Playwright's own Firefox protocol needs a patched build and its BiDi mode refuses ESR, so Firefox
 * goes through puppeteer-core. This file is the interface;
 * registry.ts launches and shares the engines.
 */
import { existsSync } from "node:fs";
import type { EngineName } from "../../model/engines.ts";


export interface BrowserEngine {
  name: EngineName;
  /** The browser's own version string, e.g. "156.0.8078.114". */
  version: string;
  newPage(): Promise<EnginePage>;
  /** Closes every page, ends the browser and every helper process; never throws. */
  close(): Promise<void>;
}

export interface EnginePage {
  /** Navigates and waits for the load event (an open EventSource does not delay it in any engine). */
  goto(url: string): Promise<void>;
  /**
   * Runs `js` in the page and returns its result as JSON: an expression (a promise is awaited;
   * `await` may be used) or, if it does not parse as one, an async function body (use `return`).
   * undefined comes back as null; a throw in the page rejects here.
   */
  evaluate<T>(js: string): Promise<T>;
  /**
   * Closes the page (and its private context where the engine has one); never throws. Resolves with
   * the moment (harness clock) the close command went to the browser: a check times the close from
   * there, not from a wait behind other checks' commands to the same browser (WebKit's WebDriver
   * session takes one command at a time).
   */
  close(): Promise<number>;
}

function findMiniBrowser(): string {
  for (const api of ["4.1", "4.0", "6.0"]) {
    for (const arch of ["x86_64-linux-gnu", "aarch64-linux-gnu"]) {
      const path = `/usr/lib/${arch}/webkit2gtk-${api}/MiniBrowser`;
      if (existsSync(path)) return path;
    }
  }
  return "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
}

export const ENGINE_PATHS = {
  chromium: process.env.SSE_CHROMIUM ?? "/usr/bin/chromium",
  firefox: process.env.SSE_FIREFOX ?? "/usr/bin/firefox-esr",
  webkitDriver: process.env.SSE_WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver",
  // MiniBrowser ships in the library package, not in webkit2gtk-driver.
  webkitBrowser: process.env.SSE_WEBKIT_BROWSER ?? findMiniBrowser(),
  xvfb: process.env.SSE_XVFB ?? "/usr/bin/Xvfb",
};

/** Why `name` cannot run here, with the package to install, or undefined when it can. */
export function engineMissing(name: EngineName): string | undefined {
  const needs: Record<EngineName, [string, string][]> = {
    chromium: [[ENGINE_PATHS.chromium, "chromium"]],
    firefox: [[ENGINE_PATHS.firefox, "firefox-esr"]],
    webkit: [
      [ENGINE_PATHS.webkitDriver, "webkit2gtk-driver"],
      [ENGINE_PATHS.webkitBrowser, "webkit2gtk-driver"],
      [ENGINE_PATHS.xvfb, "xvfb"],
    ],
  };
  for (const [path, pkg] of needs[name]) if (!existsSync(path)) return `no ${path} for ${name} (apt-get install ${pkg})`;
  return undefined;
}

export interface EngineBounds {
  /** The whole launch: process start and protocol handshake (WebKit's session creation hangs without a display). */
  launchMs: number;
  navigationMs: number;
  evaluateMs: number;
}

export const BOUNDS: EngineBounds = { launchMs: 30_000, navigationMs: 15_000, evaluateMs: 30_000 };

/** A launcher: starts the engine; `roots` are the pids the watchdog must kill should the harness die. */
export type Launcher = (bounds: EngineBounds) => Promise<{ engine: BrowserEngine; roots: number[] }>;

/**
 * The page-side wrapper of evaluate(): the same source runs in every engine and always resolves to a
 * JSON string {ok, value|error}, so results and errors read alike whatever the protocol.
 */
export function pageWrapper(js: string): string {
  return `(async () => {
  try {
    const AsyncFunction = (async () => {}).constructor;
    const src = ${JSON.stringify(js)};
    let fn;
    try { fn = new AsyncFunction("return (" + src + "\\n);"); }
    catch (e) { if (!(e instanceof SyntaxError)) throw e; fn = new AsyncFunction(src); }
    const value = await fn();
    return JSON.stringify({ ok: true, value: value === undefined ? null : value });
  } catch (e) {
    const stack = e && e.stack ? String(e.stack) : "";
    const head = String(e);
    return JSON.stringify({ ok: false, error: stack.includes(head) ? stack : head + (stack ? "\\n" + stack : "") });
  }
})()`;
}

export function unwrap<T>(raw: unknown, engine: EngineName): T {
  if (typeof raw !== "string") throw new Error(`${engine}: evaluate returned ${typeof raw}, expected a JSON string`);
  const result = JSON.parse(raw) as { ok: boolean; value?: T; error?: string };
  if (!result.ok) throw new Error(`${engine}: evaluate threw in the page: ${result.error}`);
  return result.value as T;
}
