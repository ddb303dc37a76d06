/**
 * results/compat.json: a record per target run (run information, and per check its status, figure and
 * message, without the bulky evidence), and a summary in the style of MDN's browser-compat-data: per
 * check and target a support statement.
 *
 * version_added: the runtime version tested when the check passes, false when it fails or times out,
 * null (unknown) when it errored, was skipped or did not run. `flags`: a runtime flag with which the
 * check passes, only from a published run of the flagged target (`deno+no-legacy-abort`) that passes
 * it, never from a note. Statements are keyed by target id, which for node, deno and
 * bun is the runtime on its own server.
 */
import type { Figure, Status, RunInfo, Kind } from "../model/results.ts";
import { checkById } from "../checks/registry.ts";
import { SEED_ROWS } from "./rows.ts";
import type { ReportModel } from "./model.ts";
import { withoutUpstream, type Footnote } from "./footnotes.ts";
import { provenance } from "./run-info.ts";

export interface SupportStatement {
  version_added: string | false | null;
  partial_implementation?: true;
  notes?: string[];
  flags?: { type: "runtime_flag"; name: string }[];
}

export interface CompatRecord {
  run: RunInfo;
  wallMs: number;
  checks: { id: string; kind: Kind; status: Status; figure?: Figure; message: string; durationMs: number }[];
}

export interface CompatFile {
  generated: string;
  runs: CompatRecord[];
  checks: Record<
    string,
    {
      __compat: {
        group: string;
        kind: Kind;
        /** For a browser check: the declared check and the engine of this result. */
        check?: string;
        engine?: string;
        /** The seed rows this check answers, in the seed's words. */
        seed: string[];
        support: Record<string, SupportStatement | SupportStatement[]>;
      };
    }
  >;
}

/** "contradicts upstream: …", in compat.json's notes and the tables' footnotes alike. */
export function contradictionText(contradicts: NonNullable<Footnote["contradicts"]>): string {
  return `contradicts upstream: upstream says this ${contradicts.says === "fail" ? "fails" : "works"} here (${contradicts.claim}; ${contradicts.upstream.join(", ")}); our evidence: ${contradicts.evidence}`;
}

function footnoteNotes(note: Footnote): string[] {
  if (note.status === "pass") return note.contradicts ? [contradictionText(note.contradicts)] : [];
  return [
    ...(note.contradicts ? [contradictionText(note.contradicts)] : []),
    `cause: ${note.cause}`,
    ...(note.workaround ? [`${note.workaroundFor.length ? "workaround at work" : "workaround"}: ${note.workaround}`] : []),
    `upstream: ${note.upstream.length ? note.upstream.join(", ") : withoutUpstream(note)}`,
    `this run: ${note.observed}`,
  ];
}

/**
 * compat.json for the runtimes' table and the seed's servers' at once: one list of runs, and per
 * check one support statement per target of either table; a server that cannot be installed here
 * (Rocket) is `version_added: null` with the reason.
 */
export function buildCompatFile(model: ReportModel, seed?: ReportModel): CompatFile {
  const main = buildCompat(model);
  if (!seed) return main;
  const other = buildCompat(seed);
  for (const [id, entry] of Object.entries(other.checks)) {
    const into = (main.checks[id] ??= entry);
    if (into !== entry) Object.assign(into.__compat.support, entry.__compat.support);
    for (const u of seed.unavailable) into.__compat.support[u.target] = { version_added: null, notes: [u.reason] };
  }
  return { ...main, runs: [...main.runs, ...other.runs] };
}

export function buildCompat(model: ReportModel): CompatFile {
  const footnotes = new Map(model.footnotes.map((f) => [f.number, f]));
  const rows = model.groups.flatMap((g) => g.rows.map((row) => ({ ...row, group: g.letter })));
  const kindOf = new Map(rows.map((r) => [r.id, r.kind]));

  const runs: CompatRecord[] = model.columns.map((column, index) => ({
    run: column.run,
    wallMs: column.wallMs,
    checks: rows
      .map((row) => row.cells[index]!.result)
      .filter((r) => r !== undefined)
      .map((r) => ({
        id: r.id,
        kind: kindOf.get(r.id) ?? "outcome",
        status: r.status,
        ...(r.figure ? { figure: r.figure } : {}),
        message: r.message,
        durationMs: r.durationMs,
      })),
  }));

  const checks: CompatFile["checks"] = {};
  for (const row of rows) {
    const support: Record<string, SupportStatement | SupportStatement[]> = {};
    row.cells.forEach((cell, index) => {
      const column = model.columns[index]!;
      const result = cell.result;
      if (!result) {
        support[column.target] = { version_added: null, notes: ["not run on this target"] };
        return;
      }
      if (result.status === "pass") {
        const contradiction = cell.footnote ? footnotes.get(cell.footnote) : undefined;
        support[column.target] = { version_added: column.version, ...(contradiction ? { notes: footnoteNotes(contradiction) } : {}) };
        return;
      }
      const note = footnotes.get(cell.footnote!)!;
      const known = result.status === "fail" || result.status === "timeout";
      const statement: SupportStatement = { version_added: known ? false : null, notes: footnoteNotes(note) };
      // A flag comes only from a flagged target's run that passes (model.ts), never from a curated note.
      if (note.flag) {
        const flagged: SupportStatement = {
          version_added: column.version,
          flags: [{ type: note.flag.type, name: note.flag.name }],
          notes: [`measured: ${note.flag.evidence}`],
        };
        support[column.target] = [statement, flagged];
      } else {
        support[column.target] = statement;
      }
    });
    checks[row.id] = {
      __compat: {
        group: row.group,
        kind: row.kind,
        // A browser check's result per engine: `browser.eventsource[firefox]` is the declared check in Firefox.
        ...(checkById(row.id)?.engine ? { check: checkById(row.id)!.base, engine: checkById(row.id)!.engine } : {}),
        seed: SEED_ROWS.filter((s) => s.checks.includes(row.id)).map((s) => s.label),
        support,
      },
    };
  }
  return { generated: provenance(model), runs, checks };
}
