/** group E of ../shared/CHECKS.md. */
import type { Check } from "../harness/check.ts";

export const PROTOCOL_CHECKS: Check[] = [];
