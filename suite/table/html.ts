/**
 * results/report.html: one static file, no server and no external resource (inline CSS, JS and SVG),
 * with the same run information, table and footnotes as COMPATIBILITY.md, and charts of the figures.
 */
import { renderBenchSection, type BenchResults } from "./bench-section.ts";
import { renderCharts } from "./charts.ts";
import { citation } from "../curated/citations.ts";
import { cellFigure, HTML_MARK, NOT_RUN_MARK, STATUS_MEANING, usualLabel } from "./format.ts";
import { escapeHtml } from "./html-escape.ts";
import type { Cell, ReportModel } from "./model.ts";
import { withoutUpstream, type Footnote } from "./footnotes.ts";
import { provenance, summariseRuns } from "./run-info.ts";

function renderCell(cell: Cell, rowLabel: string | undefined): string {
  if (!cell.result) return `<span class="status not-run" title="not run">${NOT_RUN_MARK}</span>`;
  const { status, message } = cell.result;
  const figure = cellFigure(cell.result.figure, rowLabel);
  const note = cell.footnote ? ` <a class="ref" href="#note-${cell.footnote}">[${cell.footnote}]</a>` : "";
  return `<span class="status ${status}" title="${escapeHtml(`${status}: ${message}`)}">${HTML_MARK[status]}</span>${figure ? ` ${escapeHtml(figure)}` : ""}${note}`;
}

function headerRow(first: string[], model: ReportModel): string {
  const cells = [...first.map(escapeHtml), ...model.columns.map((c) => escapeHtml(c.header)), ...model.unavailable.map((u) => escapeHtml(u.header))];
  return `<thead><tr>${cells.map((c) => `<th scope="col">${c}</th>`).join("")}</tr></thead>`;
}

function allPass(cells: Cell[]): boolean {
  return cells.every((c) => c.result?.status === "pass");
}

/** The cells of the columns that cannot run here (Rocket): each says so, the reason on hover. */
const unavailableCells = (model: ReportModel) =>
  model.unavailable.map((u) => `<td><span class="status not-run" title="${escapeHtml(u.reason)}">not installable</span></td>`).join("");

function renderTables(model: ReportModel, prefix = ""): string {
  const seedBody = model.seedRows.map((seed) => {
    const labels = seed.checks.map((_, i) => usualLabel(seed.cells.map((cells) => cells[i]?.result?.figure)));
    const cells = seed.cells.map((cells) => `<td>${cells.map((cell, i) => renderCell(cell, labels[i])).join(" · ")}</td>`);
    return `<tr class="seed${allPass(seed.cells.flat()) ? " all-pass" : ""}"><th scope="row">${escapeHtml(seed.label)}</th><td>${seed.checks.map((id) => `<code>${escapeHtml(id)}</code>`).join(" + ")}</td>${cells.join("")}${unavailableCells(model)}</tr>`;
  });
  const groups = model.groups.map((group) => {
    const rows = group.rows.map((row) => {
      const label = usualLabel(row.cells.map((c) => c.result?.figure));
      const cells = row.cells.map((cell) => `<td>${renderCell(cell, label)}</td>`).join("");
      return `<tr class="check${allPass(row.cells) ? " all-pass" : ""}" data-check="${escapeHtml(row.id)}"><th scope="row"><code>${escapeHtml(row.id)}</code></th><td class="kind ${row.kind}">${row.kind}</td><td class="label">${escapeHtml(label ?? "")}</td>${cells}${unavailableCells(model)}</tr>`;
    });
    return `<h3>${escapeHtml(`${group.letter}. ${group.title}`)}</h3><table class="checks" id="${prefix}group-${escapeHtml(group.letter)}">${headerRow(["check", "kind", "figure"], model)}<tbody>${rows.join("")}</tbody></table>`;
  });
  return (
    `<h2>The seed's questions</h2><table class="seed" id="${prefix}seed">${headerRow(["question", "our checks"], model)}<tbody>${seedBody.join("")}</tbody></table>` +
    `<h2>Every check</h2><p>A <em>fact</em> runs with our mitigations off (what a plain app gets from the runtime); an <em>outcome</em> is what a user of our dispatcher gets. A fact that fails beside an outcome that passes is a workaround at work.</p>` +
    (prefix ? "" : `<label class="filter"><input type="checkbox" id="hide-pass"> hide rows where every target passes</label>`) +
    groups.join("") +
    `<p class="legend">${(["pass", "fail", "timeout", "error", "skip"] as const).map((status) => `<span class="status ${status}">${HTML_MARK[status]}</span> ${STATUS_MEANING[status]}`).join(" · ")} · ${NOT_RUN_MARK} not run</p>`
  );
}

function renderFootnote(note: Footnote): string {
  const upstream = note.upstream.length
    ? note.upstream.map((ref) => {
        const c = citation(ref);
        return c.url ? `<a href="${escapeHtml(c.url)}">${escapeHtml(c.text)}</a>` : escapeHtml(c.text);
      }).join(", ")
    : `<em>${escapeHtml(withoutUpstream(note))}</em>`;
  const workaround = note.workaroundFor.length
    ? `<b>Workaround at work:</b> ${note.workaroundFor.map((id) => `<code>${escapeHtml(id)}</code>`).join(" and ")} pass${note.workaroundFor.length > 1 ? "" : "es"} on ${escapeHtml(note.target)} because ${escapeHtml(note.workaround ?? "")}`
    : note.workaround
      ? `<b>Workaround (our app${note.curated ? ", curated" : ""}):</b> ${escapeHtml(note.workaround)}`
      : note.status === "fail" || note.status === "timeout"
        ? "<b>Workaround:</b> none in our app."
        : "";
  return (
    `<li id="note-${note.number}" value="${note.number}" class="${note.curated ? "curated" : "automatic"}">` +
    `<b>${escapeHtml(note.target)} · <code>${escapeHtml(note.check)}</code></b> <span class="status ${note.status}">${HTML_MARK[note.status]}</span> ` +
    `<b>${note.curated ? "Curated cause" : "Not analysed yet"}:</b> ${escapeHtml(note.cause)} ${workaround} ` +
    (note.contradicts
      ? `<b>Contradicts upstream:</b> upstream says (curated) this ${note.contradicts.says === "fail" ? "fails" : "works"} here: ${escapeHtml(note.contradicts.claim)}. Our evidence (measured): ${escapeHtml(note.contradicts.evidence)}. `
      : "") +
    (note.flag ? `<b>Runtime flag (measured):</b> <code>${escapeHtml(note.flag.name)}</code> (${escapeHtml(note.flag.evidence)}) ` : "") +
    `<b>Sources:</b> ${upstream}. <b>Measured (this run):</b> <q>${escapeHtml(note.observed)}</q></li>`
  );
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1a202c}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.provenance{color:#4a5568;font-style:italic}
table{border-collapse:collapse;margin:6px 0 10px;width:100%}
th,td{border:1px solid #cbd5e0;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#edf2f7}
tr.seed th{font-weight:600}
td.kind.fact{color:#6b46c1}td.label{color:#4a5568}
.status{display:inline-block;padding:0 5px;border-radius:3px;font-weight:600;white-space:nowrap}
.status.pass{background:#c6f6d5;color:#22543d}.status.fail{background:#fed7d7;color:#742a2a}
.status.timeout{background:#feebc8;color:#7b341e}.status.error{background:#fefcbf;color:#744210}
.status.skip{background:#e2e8f0;color:#2d3748}.status.not-run{color:#718096;font-weight:400}
a.ref{font-size:12px;text-decoration:none}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dl.run dt{font-weight:600}dl.run dd{margin:0}
ol.notes li{margin-bottom:6px}ol.notes li.automatic{background:#fffaf0}
.chart{margin:10px 0 18px}.chart figcaption{font-weight:600;margin-bottom:4px}
svg text{font:12px system-ui,sans-serif;fill:#1a202c}svg text.missing{fill:#718096;font-style:italic}
svg .bound{stroke:#e53e3e;stroke-dasharray:4 3;stroke-width:1.5}svg rect.bar.over{stroke:#e53e3e;stroke-width:2}
.filter{display:block;margin:6px 0}
body.hide-pass tr.all-pass{display:none}
`;

const SCRIPT = `
document.getElementById("hide-pass").addEventListener("change", function (e) {
  document.body.classList.toggle("hide-pass", e.target.checked);
});
`;

function runInformation(model: ReportModel): string {
  const summary = summariseRuns(model.columns);
  return (
    `<dl class="run">${summary.common.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join("")}</dl>` +
    `<table class="runs"><thead><tr>${["target", "runtime", "server", "framework", "date", "wall time", "suite commit", "machine"].map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>` +
    summary.perTarget
      .map((t) => `<tr>${[t.target, t.runtime, t.server, t.framework, t.date, t.wall, t.commit, t.machine].map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
      .join("") +
    model.unavailable.map((u) => `<tr>${[u.target, "—", u.header, "—", "—", "—", "—", u.reason].map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`
  );
}

const footnoteList = (model: ReportModel, none: string) =>
  model.footnotes.length ? `<ol class="notes">${model.footnotes.map(renderFootnote).join("")}</ol>` : `<p>${none}</p>`;

/** The seed's servers, remeasured (as COMPATIBILITY.md's section of that name). */
function seedSection(seed: ReportModel | undefined): string {
  if (!seed || (seed.columns.length === 0 && seed.unavailable.length === 0)) return "";
  return (
    `<h2 id="seed-servers">The seed's servers, remeasured</h2>` +
    `<p>The seed's bottle app, rebuilt in Python (<code>servers/seed/</code>), on the servers the seed tried by hand, measured by the same checks as the runtimes. It offers the observation records and control endpoints (docs/contract.md), not an abort signal (WSGI has none), a graceful-stop API or our dispatcher's shutdown event: checks that need those are skipped, and the Ctrl-C checks judge what the server does.</p>` +
    runInformation(seed) +
    renderTables(seed, "seed-servers-") +
    `<h3>Footnotes to the seed's servers</h3>${footnoteList(seed, "Every check passed on every server.")}`
  );
}

export function renderHtml(model: ReportModel, bench?: BenchResults, seed?: ReportModel): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>SSE compatibility: Node, Deno, Bun</title><style>${STYLE}</style></head>
<body>
<h1>SSE compatibility: Node, Deno, Bun</h1>
<p class="provenance">${escapeHtml(provenance(model))}.</p>
${runInformation(model)}
${renderTables(model)}
<h2>Figures</h2>
${renderCharts(model)}
<h2>Footnotes</h2>
${footnoteList(model, "Every check passed on every target.")}
${seedSection(seed)}
${renderBenchSection(bench)}
<script>${SCRIPT}</script>
</body></html>
`;
}
