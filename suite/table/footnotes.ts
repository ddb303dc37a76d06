/**
 * The footnote of one non-pass cell: the curated knowledge when there is some, always the run's own
 * figure and message, and, for a fact that fails beside a passing outcome, the workaround at work.
 */
import type { CheckResult, Status } from "../model/results.ts";
import { contradictedClaim, findCuratedNote, OUTCOMES_OF_FACT, type RuntimeFlag, type UpstreamClaim } from "../curated/notes.ts";
import { type CuratedNote } from "../curated/note.ts";
import { formatFigure } from "./format.ts";

export interface Footnote {
  number: number;
  check: string;
  target: string;
  status: Status;
  cause: string;
  /** What our app does about it, or undefined when nothing. */
  workaround?: string;
  upstream: string[];
  flag?: RuntimeFlag;
  /** The cause is in this app; how that was established. */
  ours?: string;
  /** The run's own words: figure and message, quoted. */
  observed: string;
  /** False: generated from the result alone ("no upstream reference yet"). */
  curated: boolean;
  /** Outcomes that pass on the same target although this fact fails: a workaround is at work. */
  workaroundFor: string[];
  /** Upstream says the opposite of what this run saw: the claim, and our run as the evidence. */
  contradicts?: Contradiction;
}

export interface Contradiction {
  /** What upstream says the check gets on this runtime version. */
  says: "pass" | "fail";
  claim: string;
  upstream: string[];
  /** This run: runtime version, status, figure, message and per-variant figures where the check gives them. */
  evidence: string;
}

export const NO_REFERENCE = "no upstream reference yet";

const UNNAMED_WORKAROUND = "of a mitigation of our app (mitigations=0 turns it off for this fact); no curated note names it yet.";

const MAX_QUOTE = 400;

export function quoteResult(result: CheckResult): string {
  const figure = formatFigure(result.figure);
  const message = result.message.length > MAX_QUOTE ? `${result.message.slice(0, MAX_QUOTE)}…` : result.message;
  return figure ? `${figure}: “${message}”` : `“${message}”`;
}

export interface CellContext {
  target: string;
  runtime: string;
  runtimeVersion: string;
  kind: "fact" | "outcome";
  /** Status of every check on the same target, to see a workaround at work. */
  statusOnTarget: (id: string) => Status | undefined;
}

/** Per-variant figures a check keeps in its evidence (`observations: [{variant, ms}]`), in brief. */
function variantFigures(result: CheckResult): string {
  const observations = result.evidence?.["observations"];
  if (!Array.isArray(observations)) return "";
  const parts = observations
    .filter((o): o is { variant: string; ms: number | null } => typeof o === "object" && o !== null && typeof (o as { variant?: unknown }).variant === "string")
    .map((o) => `${o.variant} ${typeof o.ms === "number" ? `${o.ms} ms` : "never"}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

export function contradictionOf(result: CheckResult, cell: CellContext, claim: UpstreamClaim): Contradiction {
  return {
    says: claim.says,
    claim: claim.claim,
    upstream: claim.upstream,
    evidence: `${cell.target} on ${cell.runtime} ${cell.runtimeVersion}: ${result.status}, ${quoteResult(result)}${variantFigures(result)}${claim.finding ? `; version runs: ${claim.finding}` : ""}`,
  };
}

/**
 * A footnote for a cell that passes although upstream reports a failure there: the table must say
 * that it contradicts upstream, and why we believe our run (its figures).
 */
export function contradictionFootnote(result: CheckResult, cell: CellContext, number: number, claim: UpstreamClaim): Footnote {
  const contradicts = contradictionOf(result, cell, claim);
  return {
    number,
    check: result.id,
    target: cell.target,
    status: result.status,
    cause: "this run passes where upstream reports a failure (see below)",
    upstream: claim.upstream,
    observed: quoteResult(result) + variantFigures(result),
    curated: true,
    workaroundFor: [],
    contradicts,
  };
}

export function footnoteFor(result: CheckResult, cell: CellContext, number: number, notes?: CuratedNote[]): Footnote {
  const claim = contradictedClaim(result.id, { ...cell, status: result.status });
  if (result.status === "pass") {
    if (!claim) throw new Error(`a passing cell (${result.id} on ${cell.target}) gets a footnote only when it contradicts upstream`);
    return contradictionFootnote(result, cell, number, claim);
  }
  const contradicts = claim ? { contradicts: contradictionOf(result, cell, claim) } : {};
  const curated = findCuratedNote(result.id, { ...cell, status: result.status }, notes);
  const workaroundFor =
    cell.kind === "fact" && (result.status === "fail" || result.status === "timeout")
      ? (OUTCOMES_OF_FACT[result.id] ?? []).filter((id) => cell.statusOnTarget(id) === "pass")
      : [];
  const observed = quoteResult(result);
  if (curated) {
    return {
      number,
      check: result.id,
      target: cell.target,
      status: result.status,
      cause: curated.cause,
      ...(curated.workaround ? { workaround: curated.workaround } : workaroundFor.length ? { workaround: UNNAMED_WORKAROUND } : {}),
      upstream: curated.upstream,
      ...(curated.ours ? { ours: curated.ours.evidence } : {}),
      observed,
      curated: true,
      workaroundFor,
      ...contradicts,
    };
  }
  return {
    number,
    check: result.id,
    target: cell.target,
    status: result.status,
    cause: automaticCause(result.status),
    ...(workaroundFor.length
      ? { workaround: UNNAMED_WORKAROUND }
      : {}),
    upstream: [],
    observed,
    curated: false,
    workaroundFor,
    ...contradicts,
  };
}

function automaticCause(status: Status): string {
  switch (status) {
    case "timeout":
      return "the check did not settle within its bound (a hang is a finding); cause not analysed yet";
    case "error":
      return "the harness broke while running the check (not a finding about the runtime)";
    case "skip":
      return "a precondition was missing, so the check did not run";
    default:
      return "cause not analysed yet";
  }
}

/** What stands for the upstream references when there are none. */
export function withoutUpstream(note: Footnote): string {
  return note.ours ? `none, the cause is in this app (${note.ours})` : NO_REFERENCE;
}
