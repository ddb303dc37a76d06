/** group B of ../shared/CHECKS.md. */
import type { Check } from "../harness/check.ts";

export const FLUSH_CHECKS: Check[] = [];
