/** What the browser checks share: waiting for a condition inside a page, and the demo page's events. */
import type { EnginePage } from "../../harness/browsers/engine.ts";

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
      if (performance.now() - startedAt > ${timeoutMs}) return reject(new Error(${JSON.stringify(`${what}: not within ${timeoutMs} ms`)}));
      setTimeout(tick, 20);
    };
    tick();
  })`);
  return waited.then(() => undefined);
}

/** The events the demo page recorded (window.sseDemo.events). */
export const pageEvents = (page: EnginePage) => page.evaluate<PageEvent[]>("window.sseDemo.events");
