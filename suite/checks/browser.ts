/**
 * Group G of CHECKS.md: the seed's manual browser test, automated in headless Chromium (Debian's
 * package, driven by playwright-core): the demo page's EventSource, a closed tab, a reconnect.
 */
import type { Page } from "playwright-core";
import { chromiumMissing, withBrowser } from "../harness/browser.ts";
import { censored, type Check, fail, measured, pass, skip } from "../harness/check.ts";
import { endStreams, publish } from "../harness/control.ts";
import { round } from "../harness/wait.ts";

const DROP_BOUND_MS = 1000;
const OBSERVE_MS = 3000;

interface PageEvent {
  type: string;
  id: string;
  data: string;
}

/** The events the demo page recorded (window.sseDemo.events). */
const pageEvents = (page: Page) => page.evaluate(() => (window as unknown as { sseDemo: { events: PageEvent[] } }).sseDemo.events);

const waitForPageEvents = (page: Page, count: number, timeoutMs: number) =>
  page.waitForFunction((n) => (window as unknown as { sseDemo?: { events: unknown[] } }).sseDemo?.events.length! >= n, count, {
    timeout: timeoutMs,
  });

export const browserEventSource: Check = {
  id: "browser.eventsource",
  group: "G",
  kind: "outcome",
  passes: "headless Chromium loads the demo page, its EventSource receives at least 3 events; closing the page makes the server drop the subscriber within 1 s",
  bounds: { dropMs: DROP_BOUND_MS, observeMs: OBSERVE_MS },
  figure: { unit: "ms", label: "drop after tab close", bound: "dropMs" },
  calibration: {
    "never-notices-disconnect": /never dropped the closed page's subscriber/,
  },
  timeoutMs: 60_000,
  async run(ctx) {
    const missing = chromiumMissing();
    if (missing) return skip(missing);
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "100" } });
    return withBrowser(async (browser) => {
      const page = await browser.newPage();
      const subscribed = server.nextRecord((r) => r.type === "subscribed", 15_000, "the page's subscription");
      subscribed.catch(() => {});
      await page.goto(server.url + "/", { timeout: 15_000 });
      const sub = (await subscribed).sub;
      await waitForPageEvents(page, 3, 5000);
      const received = (await pageEvents(page)).length;

      const dropped = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === sub, OBSERVE_MS, "unsubscribe after the page closed");
      dropped.catch(() => {});
      const closedAt = performance.now();
      await page.close();
      const record = await dropped.catch(() => undefined);
      const ms = record ? round(record.at - closedAt) : null;
      const evidence = { sub, eventsReceivedByPage: received, mechanism: record?.mechanism ?? null };
      const figure = ms === null ? censored(OBSERVE_MS) : measured(ms);
      if (ms === null) return fail(`the server never dropped the closed page's subscriber within ${OBSERVE_MS} ms`, figure, evidence);
      if (ms > DROP_BOUND_MS) return fail(`the closed page's subscriber was dropped after ${ms} ms`, figure, evidence);
      return pass(`the page received ${received} events; closing it dropped the subscriber in ${ms} ms (${record!.mechanism})`, figure, evidence);
    });
  },
};

export const browserReconnect: Check = {
  id: "browser.reconnect",
  group: "G",
  kind: "outcome",
  passes: "the server ends the stream; the browser reconnects by itself with `Last-Event-ID` and the replay fills the gap",
  bounds: {},
  figure: { unit: "count", label: "events seen" },
  calibration: {
    "ignores-last-event-id": /after the reconnect the page missed \[\d/,
  },
  timeoutMs: 60_000,
  async run(ctx) {
    const missing = chromiumMissing();
    if (missing) return skip(missing);
    // The producer is off: the check publishes, so that it knows which events fall into the gap.
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", SSE_RETRY_MS: "500" } });
    return withBrowser(async (browser) => {
      const page = await browser.newPage();
      const first = server.nextRecord((r) => r.type === "subscribed", 15_000, "the page's subscription");
      first.catch(() => {});
      await page.goto(server.url + "/", { timeout: 15_000 });
      await first;
      await page.waitForFunction(() => (window as unknown as { sseDemo?: { source: EventSource } }).sseDemo?.source.readyState === 1, null, {
        timeout: 5000,
      });
      for (let i = 0; i < 3; i++) await publish(server, { event: "progress", data: JSON.stringify({ progress: i + 1 }) });
      await waitForPageEvents(page, 3, 5000);

      // The server ends the stream; events published before the browser is back form the gap.
      const again = server.nextRecord((r) => r.type === "subscribed", 10_000, "the browser's reconnect");
      again.catch(() => {});
      await endStreams(server);
      const gap: number[] = [];
      for (let i = 0; i < 3; i++) gap.push((await publish(server, { event: "progress", data: JSON.stringify({ gap: i + 1 }) })).id);
      const reconnect = await again;
      const after = (await publish(server, { event: "progress", data: JSON.stringify({ after: true }) })).id;
      await page.waitForFunction(
        (id) => (window as unknown as { sseDemo: { events: { id: string }[] } }).sseDemo.events.some((e) => e.id === String(id)),
        after,
        { timeout: 5000 },
      ).catch(() => {});

      const ids = (await pageEvents(page)).filter((e) => e.type === "progress").map((e) => Number(e.id));
      const expected = Array.from({ length: after }, (_, i) => i + 1);
      const evidence = { lastEventIdSent: reconnect.lastEventId, replay: reconnect.replay, gap, idsSeenByPage: ids };
      const figure = measured(ids.length);
      if (reconnect.lastEventId !== "3") return fail(`the browser reconnected with Last-Event-ID ${JSON.stringify(reconnect.lastEventId)}, expected "3"`, figure, evidence);
      const missingIds = expected.filter((id) => !ids.includes(id));
      const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (missingIds.length || duplicates.length || ids.join() !== expected.join()) {
        return fail(`after the reconnect the page missed ${JSON.stringify(missingIds)} and saw twice ${JSON.stringify(duplicates)}`, figure, evidence);
      }
      return pass(`the browser reconnected with Last-Event-ID 3 and the replay filled the gap (${gap.length} events)`, figure, evidence);
    });
  },
};

