/** COMPATIBILITY.md: run information, the seed's rows, every check by group, then the footnotes. */
import { renderRangesMarkdown, type VersionRange } from "./version-ranges.ts";
import { citationMarkdown } from "../curated/citations.ts";
import { cellFigure, LEGEND, NOT_RUN_MARK, STATUS_MARK, usualLabel } from "./format.ts";
import type { Cell, ReportModel } from "./model.ts";
import { withoutUpstream, type Footnote } from "./footnotes.ts";
import { provenance, summariseRuns } from "./run-info.ts";

/** Table cells may hold neither pipes nor line breaks. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function renderCell(cell: Cell, rowLabel: string | undefined): string {
  if (!cell.result) return NOT_RUN_MARK;
  const figure = cellFigure(cell.result.figure, rowLabel);
  const note = cell.footnote ? ` [[${cell.footnote}]](#note-${cell.footnote})` : "";
  return `${STATUS_MARK[cell.result.status]}${figure ? ` ${figure}` : ""}${note}`;
}

function row(cells: string[]): string {
  return `| ${cells.map(escapeCell).join(" | ")} |`;
}

function header(first: string[], model: ReportModel): string[] {
  const columns = [...first, ...model.columns.map((c) => c.header), ...model.unavailable.map((u) => u.header)];
  return [row(columns), row(columns.map(() => "---"))];
}

/** The cells of the columns that cannot run here: each says so. */
const unavailableCells = (model: ReportModel) => model.unavailable.map(() => "not installable");

function renderFootnote(note: Footnote): string {
  const upstream = note.upstream.length
    ? note.upstream.map(citationMarkdown).join(", ")
    : withoutUpstream(note);
  const parts = [
    `${note.number}. <a id="note-${note.number}"></a>**${note.target} · \`${note.check}\` · ${STATUS_MARK[note.status]} ${note.status}.**`,
    `${note.curated ? "Curated cause" : "Not analysed yet"}: ${note.cause}${note.cause.endsWith(".") ? "" : "."}`,
  ];
  if (note.workaroundFor.length) {
    parts.push(`Workaround at work: ${note.workaroundFor.map((id) => `\`${id}\``).join(" and ")} pass${note.workaroundFor.length > 1 ? "" : "es"} on ${note.target} because ${note.workaround}`);
  } else if (note.workaround) {
    parts.push(`Workaround (our app${note.curated ? ", curated" : ""}): ${note.workaround}`);
  } else if (note.status === "fail" || note.status === "timeout") {
    parts.push("Workaround: none in our app.");
  }
  if (note.contradicts) {
    const c = note.contradicts;
    parts.push(`**Contradicts upstream:** upstream says (curated) this ${c.says === "fail" ? "fails" : "works"} here: ${c.claim}. Our evidence (measured): ${c.evidence}.`);
  }
  if (note.flag) parts.push(`Runtime flag (measured): \`${note.flag.name}\` (${note.flag.evidence})`);
  parts.push(`Sources: ${upstream}.`);
  parts.push(`Measured (this run): ${note.observed}`);
  return parts.map(escapeCell).join(" ");
}

export function renderMarkdown(model: ReportModel, ranges: VersionRange[] = [], seed?: ReportModel): string {
  const lines: string[] = [
    "# SSE compatibility: Node, Deno, Bun",
    "",
    `> ${provenance(model)}.`,
    "",
    ...runInformation(model),
    "## The seed's questions",
    "",
    "Each row is answered by the checks named beside it (ids as in CHECKS.md); a cell shows each check's status and key figure.",
    "",
    ...seedQuestions(model),
    "## Every check",
    "",
    "A *fact* runs with our mitigations off (what a plain app gets from the runtime); an *outcome* is what a user of our dispatcher gets. A fact that fails beside an outcome that passes is a workaround at work.",
    "",
    ...everyCheck(model, "###"),
    `Legend: ${LEGEND}.`,
    "",
    ...renderRangesMarkdown(ranges),
    "## Footnotes",
    "",
  ];
  if (model.footnotes.length === 0) lines.push("Every check passed on every target.");
  lines.push(...model.footnotes.map(renderFootnote), "");
  if (seed && (seed.columns.length || seed.unavailable.length)) lines.push(...seedSection(seed));
  return lines.join("\n");
}

function runInformation(model: ReportModel): string[] {
  const summary = summariseRuns(model.columns);
  return [
    ...summary.common.map(([label, value]) => `- **${label}**: ${value}`),
    "",
    row(["target", "runtime", "server", "framework", "date", "wall time", "suite commit", "machine"]),
    row(Array(8).fill("---")),
    ...summary.perTarget.map((t) => row([`\`${t.target}\``, t.runtime, t.server, t.framework, t.date, t.wall, t.commit, t.machine])),
    ...model.unavailable.map((u) => row([`\`${u.target}\``, "—", u.header, "—", "—", "—", "—", u.reason])),
    "",
  ];
}

function seedQuestions(model: ReportModel): string[] {
  const lines = header(["question", "our checks"], model);
  for (const seed of model.seedRows) {
    const labels = seed.checks.map((_, i) => usualLabel(seed.cells.map((cells) => cells[i]?.result?.figure)));
    lines.push(
      row([
        seed.label,
        seed.checks.map((id) => `\`${id}\``).join(" + "),
        ...seed.cells.map((cells) => cells.map((cell, i) => renderCell(cell, labels[i])).join(" · ")),
        ...unavailableCells(model),
      ]),
    );
  }
  return [...lines, ""];
}

function everyCheck(model: ReportModel, level: string): string[] {
  const lines: string[] = [];
  for (const group of model.groups) {
    lines.push(`${level} ${group.letter}. ${group.title}`, "", ...header(["check", "kind", "figure"], model));
    for (const checkRow of group.rows) {
      const label = usualLabel(checkRow.cells.map((c) => c.result?.figure));
      lines.push(row([`\`${checkRow.id}\``, checkRow.kind, label ?? "", ...checkRow.cells.map((cell) => renderCell(cell, label)), ...unavailableCells(model)]));
    }
    lines.push("");
  }
  return lines;
}

/**
 * The seed's servers, remeasured: the experiment this project descends from tested bottle's app on
 * five Python servers by hand; here the same app (servers/seed/) on the same servers, by the same
 * checks as the runtimes. Its footnotes continue the numbering of the runtimes' table.
 */
function seedSection(seed: ReportModel): string[] {
  const lines = [
    "## The seed's servers, remeasured",
    "",
    "The seed's bottle app, rebuilt in Python (`servers/seed/`: a generator object per stream, the seed's `EventDispatcher`), on the servers the seed tried by hand, measured by the same checks as the runtimes. It offers the observation records and control endpoints (docs/contract.md), not an abort signal (WSGI has none), a graceful-stop API or our dispatcher's shutdown event: checks that need those are `skip`, and the Ctrl-C checks judge what the server does (exit code and time, stderr, how streams end).",
    "",
    ...runInformation(seed),
    "### The seed's questions",
    "",
    ...seedQuestions(seed),
    "### Every check",
    "",
    ...everyCheck(seed, "####"),
    `Legend: ${LEGEND}; not installable: the server cannot be installed on this machine (the reason is in its line above).`,
    "",
    "### Footnotes to the seed's servers",
    "",
  ];
  if (seed.footnotes.length === 0) lines.push("Every check passed on every server.");
  lines.push(...seed.footnotes.map(renderFootnote), "");
  return lines;
}
