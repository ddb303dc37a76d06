/** What the browser checks share: waiting for a condition inside a page, and the demo page's events. */
import type { EnginePage } from "../../harness/browsers/engine.ts";
import { TimeoutError } from "../../harness/wait.ts";

export interface PageEvent {
  type: string;
  id: string;
  data: string;
}

/**
 * Resolves once `condition` (a JavaScript expression, evaluated in the page) holds, checked in the
 * page every 20 ms, within `timeoutMs`; rejects with `what` otherwise. One round trip per wait, the
 * same in every engine.
 */
export function waitInPage(page: EnginePage, condition: string, timeoutMs: number, what: string): Promise<void> {
  const waited = page.evaluate<null>(`await new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const tick = () => {
      let held = false;
      try { held = Boolean(${condition}); } catch {}
      if (held) return resolve(null);
      if (performance.now() - startedAt > ${timeoutMs}) return reject(new Error(${JSON.stringify(PAGE_TIMEOUT)}));
      setTimeout(tick, 20);
    };
    tick();
  })`);
  // The bound ran out in the page: what the target did (or did not), a `timeout` like any other
  // bounded wait of a check, not a failure of the harness.
  return waited.then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof Error && error.message.includes(PAGE_TIMEOUT)) throw new TimeoutError(`${what}: no result within ${timeoutMs} ms`);
      throw error;
    },
  );
}

/** What the page throws when a wait's bound runs out, told apart from any other error in the page. */
const PAGE_TIMEOUT = "sse-compat: page wait bound reached";

/** The events the demo page recorded (window.sseDemo.events). */
export const pageEvents = (page: EnginePage) => page.evaluate<PageEvent[]>("window.sseDemo.events");
