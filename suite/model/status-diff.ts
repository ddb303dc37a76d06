/**
 * What changed between two runs of a target: the checks whose status differs, and those only one
 * run has. The statuses are the table's facts; figures and messages move between any two runs.
 */
import type { Status, TargetResults } from "./results.ts";

export interface StatusChange {
  id: string;
  /** The status in the first run, null when it lacks the check. */
  from: Status | null;
  to: Status | null;
  /** The second run's message, for the reader. */
  message: string | null;
}

export function statusChanges(before: TargetResults, after: TargetResults): StatusChange[] {
  const was = new Map(before.checks.map((c) => [c.id, c]));
  const is = new Map(after.checks.map((c) => [c.id, c]));
  const ids = [...new Set([...was.keys(), ...is.keys()])];
  return ids
    .filter((id) => was.get(id)?.status !== is.get(id)?.status)
    .map((id) => ({ id, from: was.get(id)?.status ?? null, to: is.get(id)?.status ?? null, message: is.get(id)?.message ?? null }));
}

export const formatChange = (c: StatusChange) => `${c.id}: ${c.from ?? "absent"} -> ${c.to ?? "absent"}${c.message ? ` (${c.message})` : ""}`;
