/** group D of ../shared/CHECKS.md. */
import type { Check } from "../harness/check.ts";

export const SHUTDOWN_CHECKS: Check[] = [];
