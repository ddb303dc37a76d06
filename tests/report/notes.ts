/**
 * The footnote of one non-pass cell: the curated knowledge when there is some, always the run's own
 * figure and message, and, for a fact that fails beside a passing outcome, the workaround at work.
 */
import type { CheckResult, Status } from "../harness/check.ts";
import { findCuratedNote, OUTCOMES_OF_FACT, type CuratedNote, type RuntimeFlag } from "./footnotes.ts";
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

export function footnoteFor(result: CheckResult, cell: CellContext, number: number, notes?: CuratedNote[]): Footnote {
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
      ...(curated.flag ? { flag: curated.flag } : {}),
      ...(curated.ours ? { ours: curated.ours.evidence } : {}),
      observed,
      curated: true,
      workaroundFor,
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
