/** disconnect.quiet, disconnect.no-leak, completion.signal-quiet of ../shared/CHECKS.md. */
import type { Check } from "../harness/check.ts";

export const QUIET_AND_LEAK_CHECKS: Check[] = [];
