/** group C of ../shared/CHECKS.md. */
import type { Check } from "../harness/check.ts";

export const CONCURRENCY_CHECKS: Check[] = [];
