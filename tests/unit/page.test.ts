/** Waiting inside a browser page: a bound that runs out there is a timeout, any other error stays one. */
import { describe, expect, test } from "vitest";
import type { EnginePage } from "../../suite/harness/browsers/engine.ts";
import { TimeoutError } from "../../suite/harness/wait.ts";
import { waitInPage } from "../../suite/checks/lib/page.ts";

/** A page whose evaluate() runs the wait's script in this process, with `window` standing for the page. */
function fakePage(window: Record<string, unknown>): EnginePage {
  return {
    goto: async () => {},
    close: async () => performance.now(),
    evaluate: async <T>(js: string) => {
      const run = new Function("window", `return (async () => { ${js.replace(/^await /, "return await ")} })();`);
      return (await run(window)) as T;
    },
  };
}

describe("a wait in the page", () => {
  test("resolves once the condition holds", async () => {
    const window: Record<string, unknown> = { ready: false };
    setTimeout(() => (window.ready = true), 30);
    await expect(waitInPage(fakePage(window), "window.ready", 1000, "ready")).resolves.toBeUndefined();
  });

  test("is a TimeoutError, naming what it waited for, when its bound runs out in the page", async () => {
    const waited = waitInPage(fakePage({}), "window.never", 50, "the EventSource open");
    await expect(waited).rejects.toBeInstanceOf(TimeoutError);
    await expect(waited).rejects.toThrow("the EventSource open: no result within 50 ms");
  });

  test("passes any other error of the page on as it is", async () => {
    const page: EnginePage = { ...fakePage({}), evaluate: async () => Promise.reject(new Error("webkit: evaluate threw in the page: boom")) };
    await expect(waitInPage(page, "true", 50, "x")).rejects.toThrow("boom");
  });
});
