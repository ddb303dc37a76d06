/**
 * CHECKS.md, the repository's own catalogue, rendered from the registry: what every id means, its
 * kind, what passes, its bounds and figure, and the fixtures that must make it fail.
 * `./run-test.sh catalogue` writes it and a test keeps it current.
 */
import type { Check } from "../harness/check.ts";
import { GROUPS, SEED_QUESTIONS } from "../model/groups.ts";
import { ALL_CHECKS } from "../checks/registry.ts";
import { ALL_CAPABILITIES, CAPABILITIES } from "../model/capabilities.ts";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function bounds(check: Check): string {
  const entries = Object.entries(check.bounds);
  return entries.length ? entries.map(([name, value]) => `${name} ${value.toLocaleString("en-US")}`).join(", ") : "—";
}

function needs(check: Check): string {
  return check.needs.length ? check.needs.map((c) => `\`${c}\``).join(", ") : "black box";
}

/** Per capability, the checks that need it: what a server unlocks by offering it (docs/contract.md). */
function unlocks(checks: readonly Check[]): string[] {
  const declared = checks.filter((c, i) => c.base === undefined || checks.findIndex((m) => m.base === c.base) === i);
  const idOf = (c: Check) => `\`${c.base ?? c.id}\``;
  return [
    "## What each check needs",
    "",
    "A server offers capabilities in levels (docs/contract.md); a check that needs one the target does not offer reports `skip`, naming it.",
    "",
    "| capability | what it is | checks that need it |",
    "|---|---|---|",
    `| (none) | a URL that serves SSE: the black box | ${declared.filter((c) => c.needs.length === 0).map(idOf).join(", ") || "—"} |`,
    ...ALL_CAPABILITIES.map((cap) => `| \`${cap}\` | ${cell(CAPABILITIES[cap])} | ${declared.filter((c) => c.needs.includes(cap)).map(idOf).join(", ") || "—"} |`),
    "",
  ];
}

function figure(check: Check): string {
  if (!check.figure) return "—";
  return `${check.figure.label} (${check.figure.unit})${check.figure.bound ? `, judged by ${check.figure.bound}` : ""}`;
}

export function renderCatalogue(checks: readonly Check[] = ALL_CHECKS): string {
  const lines = [
    "# The check catalogue",
    "",
    "<!-- Generated from suite/checks/ by `./run-test.sh catalogue`; do not edit by hand. -->",
    "",
    "Every check of the suite, as its declaration in `suite/checks/` states it. Each records a **status**:",
    "`pass`, `fail`, `timeout` (did not settle in its bound: a hang is a finding), `error` (the harness itself",
    "broke, with the cause) or `skip` (a precondition is missing, with the reason); a **figure**, measured or",
    "censored (nothing seen within the bound: shown as \"> bound\"); and the evidence. A *fact* runs with the",
    "app's mitigations off (what a plain app gets from the runtime); an *outcome* is what a user of our",
    "dispatcher gets. Every check names the broken fixtures (`tests/fixtures/`) it must flag, each for its",
    "flaw; the calibration test proves it. Ids are stable: results, expectations and the table key on them.",
    "",
    "## The seed's questions",
    "",
    "| question | answered by |",
    "|---|---|",
    ...SEED_QUESTIONS.map((q) => `| ${q} | ${checks.filter((c) => c.seed === q).map((c) => `\`${c.id}\``).join(", ")} |`),
    "",
    ...unlocks(checks),
  ];
  for (const group of GROUPS) {
    const members = checks.filter((c) => c.group === group.letter);
    if (members.length === 0) continue;
    lines.push(`## ${group.letter}. ${group.title}${"seed" in group ? ` — ${group.seed}` : ""}`, "");
    lines.push("| id | kind | what passes | needs | bounds | figure | must flag |", "|---|---|---|---|---|---|---|");
    // A check run in every engine is declared once: one line, its engines named.
    const declared = members.filter((c, i) => c.base === undefined || members.findIndex((m) => m.base === c.base) === i);
    for (const check of declared) {
      const fixtures = Object.keys(check.calibration).map((f) => `\`${f}\``).join(", ");
      const passesOn = check.passesOn ? ` (passes on ${check.passesOn.map((t) => `\`${t}\``).join(", ")})` : "";
      const engines = check.base ? members.filter((m) => m.base === check.base).map((m) => m.engine) : [];
      const id = check.base ?? check.id;
      const where = engines.length ? `; in every engine, a result each: \`${id}[${engines.join("]`, `[")}]\`` : "";
      lines.push(`| \`${id}\` | ${check.kind} | ${cell(check.passes + where)} | ${needs(check)} | ${bounds(check)} | ${cell(figure(check))} | ${fixtures}${passesOn} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
