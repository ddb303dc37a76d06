/**
 * The demo as a user runs it: `./run-test.sh serve <target>`, the page in a real browser, the tab
 * closed, Ctrl-C with a page open. run-test.sh `exec`s the runtime, so the signal reaches it directly.
 */
import { afterEach, describe, expect, test } from "vitest";
import { chromiumMissing, withBrowser } from "../suite/harness/browser.ts";
import { ServerProcess } from "../suite/harness/server-process.ts";
import { programTarget, targetSpecs } from "../suite/targets/targets.ts";
import { ROOT } from "../suite/files/paths.ts";

const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

async function serve(id: string): Promise<ServerProcess> {
  const spec = targetSpecs()[id]!;
  const target = programTarget({ id, runtime: spec.runtime, server: spec.server, framework: spec.framework, command: [`${ROOT}/run-test.sh`, "serve", id] });
  const server = new ServerProcess(target, { SSE_CONTROL: "0" });
  started.push(server);
  return server.ready(20_000);
}

const readEvents = (page: import("playwright-core").Page) =>
  page.evaluate(() => (window as unknown as { sseDemo: { events: unknown[] } }).sseDemo.events.length);

describe.skipIf(chromiumMissing())("./run-test.sh serve", () => {
  for (const id of ["node", "deno", "bun"]) {
    test(`${id}: the page shows events, a closed tab is dropped within 1 s, Ctrl-C exits 0 within 2 s`, async () => {
      const server = await serve(id);
      expect(server.pid, "run-test.sh execs the runtime").toBe(Number(server.records[0]!.pid));
      await withBrowser(async (browser) => {
        const first = await browser.newPage();
        const subscribed = server.nextRecord((r) => r.type === "subscribed", 15_000);
        await first.goto(server.url + "/");
        const sub = (await subscribed).sub;
        await first.waitForFunction(() => (window as unknown as { sseDemo?: { events: unknown[] } }).sseDemo!.events.length >= 3, null, { timeout: 5000 });
        expect(await first.locator("#state").textContent()).toBe("open");
        expect(await readEvents(first)).toBeGreaterThanOrEqual(3);

        const dropped = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === sub, 1000, "drop within 1 s");
        await first.close();
        await dropped;

        const second = await browser.newPage();
        const again = server.nextRecord((r) => r.type === "subscribed", 15_000);
        await second.goto(server.url + "/");
        await again;
        const sentAt = server.signal("SIGINT");
        const exit = await server.waitForExit(2000);
        expect(exit.code).toBe(0);
        expect(exit.at - sentAt).toBeLessThan(2000);
      });
    });
  }
});
