/**
 * The rows of the published table: the seed's six questions, then every check of ../shared/CHECKS.md
 * by group. Ids are stable (results and expectations key on them); a check that a result file
 * carries but the catalogue does not know still gets a row, in the group its id prefix names.
 */

export type Kind = "fact" | "outcome";

export interface CatalogueEntry {
  id: string;
  kind: Kind;
}

export interface Group {
  letter: string;
  title: string;
  /** Id prefixes (before the dot) that belong to the group, for checks the catalogue does not list. */
  prefixes: string[];
  checks: CatalogueEntry[];
}

const fact = (id: string): CatalogueEntry => ({ id, kind: "fact" });
const outcome = (id: string): CatalogueEntry => ({ id, kind: "outcome" });

export const GROUPS: Group[] = [
  {
    letter: "A",
    title: "Disconnect",
    prefixes: ["disconnect", "completion"],
    checks: [
      fact("disconnect.signal"),
      fact("disconnect.cancel"),
      outcome("disconnect.producer-stops"),
      outcome("disconnect.before-first-event"),
      outcome("disconnect.quiet"),
      outcome("disconnect.no-leak"),
      fact("completion.signal-quiet"),
    ],
  },
  {
    letter: "B",
    title: "Flushing",
    prefixes: ["flush"],
    checks: [fact("flush.headers"), outcome("flush.per-event"), outcome("flush.tiny"), outcome("flush.large"), outcome("flush.utf8")],
  },
  {
    letter: "C",
    title: "Concurrency",
    prefixes: ["concurrency"],
    checks: [outcome("concurrency.two"), outcome("concurrency.many")],
  },
  {
    letter: "D",
    title: "Shutdown",
    prefixes: ["sigint", "sigterm", "stop"],
    checks: [outcome("sigint.open-streams"), outcome("sigint.idle"), outcome("sigterm.open-streams"), fact("stop.runtime-graceful")],
  },
  {
    letter: "E",
    title: "Protocol and idle connections",
    prefixes: ["protocol", "idle"],
    checks: [
      outcome("protocol.headers"),
      outcome("protocol.injection"),
      outcome("protocol.resume"),
      outcome("protocol.retry"),
      outcome("idle.heartbeat"),
      fact("idle.runtime-default"),
    ],
  },
  {
    letter: "F",
    title: "Backpressure",
    prefixes: ["backpressure"],
    checks: [outcome("backpressure.slow-client")],
  },
  {
    letter: "G",
    title: "A real client",
    prefixes: ["browser"],
    checks: [outcome("browser.eventsource"), outcome("browser.reconnect")],
  },
];

export interface SeedRow {
  /** The seed's own words. */
  label: string;
  /** Our checks that answer it; the first is the row's main figure. */
  checks: string[];
}

export const SEED_ROWS: SeedRow[] = [
  { label: "handles concurrent requests", checks: ["concurrency.two", "concurrency.many"] },
  { label: "stops thread/calling next()", checks: ["disconnect.producer-stops"] },
  { label: "calls close()", checks: ["disconnect.cancel"] },
  { label: "does not throw or spew", checks: ["disconnect.quiet"] },
  { label: "properly sends chunks", checks: ["flush.per-event"] },
  { label: "stops (cleanly) on Ctrl-C", checks: ["sigint.open-streams"] },
];

const BY_ID = new Map(GROUPS.flatMap((g) => g.checks.map((c) => [c.id, c] as const)));

export function catalogued(id: string): CatalogueEntry | undefined {
  return BY_ID.get(id);
}

/** The group a check id belongs to; unknown prefixes go to a last group "Other". */
export function groupOf(id: string): string {
  const prefix = id.split(".")[0]!;
  return GROUPS.find((g) => g.checks.some((c) => c.id === id) || g.prefixes.includes(prefix))?.letter ?? "?";
}

/**
 * Every row of the group tables: the catalogue's checks, then any other id seen in the results, each
 * in its group, in order of appearance. Kinds the results' checks declare win over the catalogue's.
 */
export function groupedRows(seenIds: string[], declaredKinds: Map<string, Kind>): { group: Group; rows: CatalogueEntry[] }[] {
  const other: Group = { letter: "?", title: "Other checks", prefixes: [], checks: [] };
  const groups = [...GROUPS, other].map((group) => ({ group, rows: group.checks.map((c) => ({ ...c })) }));
  for (const id of seenIds) {
    if (BY_ID.has(id)) continue;
    const target = groups.find((g) => g.group.letter === groupOf(id))!;
    if (!target.rows.some((r) => r.id === id)) target.rows.push({ id, kind: declaredKinds.get(id) ?? "outcome" });
  }
  for (const { rows } of groups) for (const row of rows) row.kind = declaredKinds.get(row.id) ?? row.kind;
  return groups.filter((g) => g.rows.length > 0);
}
