/**
 * The rows of the published table, from the registry: the seed's six questions first, each with the
 * checks that declare they answer it, then every check by its declared group. A check that a result
 * file carries but the registry does not hold (an old run's) still gets a row, under "Other checks".
 */
import type { Kind } from "../model/results.ts";
import { GROUPS, SEED_QUESTIONS } from "../model/groups.ts";
import { ALL_CHECKS, checkById } from "../checks/registry.ts";

export interface RowEntry {
  id: string;
  kind: Kind;
}

export interface Group {
  letter: string;
  title: string;
}

export interface SeedRow {
  /** The seed's own words. */
  label: string;
  /** Our checks that answer it, in registry order; the first is the row's main figure. */
  checks: string[];
}

export const SEED_ROWS: SeedRow[] = SEED_QUESTIONS.map((label) => ({
  label,
  checks: ALL_CHECKS.filter((check) => check.seed === label).map((check) => check.id),
}));

const OTHER: Group = { letter: "?", title: "Other checks" };

/** Every row of the group tables: the registry's checks by group, then any other id seen in the results. */
export function groupedRows(seenIds: string[]): { group: Group; rows: RowEntry[] }[] {
  const groups = GROUPS.map((group) => ({
    group: { letter: group.letter, title: group.title } as Group,
    rows: ALL_CHECKS.filter((check) => check.group === group.letter).map((check) => ({ id: check.id, kind: check.kind })),
  }));
  // An id the registry does not know: its kind is unknown too; "outcome" is the default of every check.
  const other = { group: OTHER, rows: seenIds.filter((id) => !checkById(id)).map((id) => ({ id, kind: "outcome" as Kind })) };
  return [...groups, other].filter((g) => g.rows.length > 0);
}
