/** Every check of the suite, in the order of ../shared/CHECKS.md. */
import type { Check } from "../harness/check.ts";
import { BACKPRESSURE_CHECKS } from "./backpressure.ts";
import { BROWSER_CHECKS } from "./browser.ts";
import { CONCURRENCY_CHECKS } from "./concurrency.ts";
import { disconnectBeforeFirstEvent, disconnectCancel, disconnectProducerStops, disconnectSignal } from "./disconnect.ts";
import { FLUSH_CHECKS } from "./flush.ts";
import { PROTOCOL_CHECKS } from "./protocol.ts";
import { QUIET_AND_LEAK_CHECKS } from "./quiet-and-leaks.ts";
import { SHUTDOWN_CHECKS } from "./shutdown.ts";

export const ALL_CHECKS: Check[] = [
  disconnectSignal,
  disconnectCancel,
  disconnectProducerStops,
  disconnectBeforeFirstEvent,
  ...QUIET_AND_LEAK_CHECKS,
  ...FLUSH_CHECKS,
  ...CONCURRENCY_CHECKS,
  ...SHUTDOWN_CHECKS,
  ...PROTOCOL_CHECKS,
  ...BACKPRESSURE_CHECKS,
  ...BROWSER_CHECKS,
];

/** Checks whose id matches one of the glob patterns (`disconnect.*`); all when there are none. */
export function selectChecks(patterns: string[]): Check[] {
  if (patterns.length === 0) return ALL_CHECKS;
  const regexes = patterns.map((p) => new RegExp("^" + p.split("*").map(escapeRegex).join(".*") + "$"));
  return ALL_CHECKS.filter((check) => regexes.some((r) => r.test(check.id)));
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
