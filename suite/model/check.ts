/**
 * What a check is. A check is declared once, in the shape of `CheckDeclaration` (its body added by
 * suite/harness/check.ts): its id, group, kind, the seed question it answers, what passes, its
 * bounds, the unit and label of its figure, the fixtures that must make it fail with the reason each
 * must give, where it must pass. The table, the catalogue (CHECKS.md), the charts, the calibration
 * test and the expectations all read these declarations (suite/checks/registry.ts collects them).
 */
import type { Capability } from "./capabilities.ts";
import type { EngineName } from "./engines.ts";
import type { GroupLetter, SeedQuestion } from "./groups.ts";
import type { FigureSpec, Kind } from "./results.ts";

export interface CheckDeclaration {
  /** Stable; a check run in every browser engine is `<base>[<engine>]`, a result per engine. */
  id: string;
  /** The declared id of a check run in every engine (`browser.eventsource`); absent otherwise. */
  base?: string;
  /** The engine this instance runs in. */
  engine?: EngineName;
  group: GroupLetter;
  /** `fact`: the runtime with the app's mitigations off; `outcome`: what a user of the dispatcher gets. */
  kind: Kind;
  /** What passes, in one sentence (the catalogue's words). */
  passes: string;
  /** The seed's question this check answers, in the seed's words. */
  seed?: SeedQuestion;
  /** Every bound the verdict applies, by name; the unit is the name's suffix (Ms, Mb, Bytes, Count). */
  bounds: Record<string, number>;
  figure?: FigureSpec;
  /**
   * Fixtures (tests/fixtures/<name>.ts) this check must flag with `fail` or `timeout`, each with a
   * pattern its message must match: a check that fails a fixture for another reason (a missing
   * endpoint, a crash, a bound hit by accident) has not shown that it sees the flaw.
   */
  calibration: Record<string, RegExp>;
  /**
   * For a check that also judges a black box (its own events, docs/contract.md level 1): fixtures it must
   * flag when each runs as a black box (offering only `process`, its own events every 100 ms), and
   * the flawless fixture, run so, must pass.
   */
  blackBoxCalibration?: Record<string, RegExp>;
  /**
   * Targets where the check must pass, showing that it can (default: the reference app on `node`).
   * A fact that no runtime satisfies names a fixture that does.
   */
  passesOn?: string[];
  /** Bound on the whole check, ms; past it the result is `timeout`. */
  timeoutMs: number;
  /** Runs alone: it loads the machine enough to disturb timing checks running beside it. */
  exclusive?: boolean;
  /**
   * Mostly a bounded wait on one quiet stream (idle.*: seconds of silence, a few events at most): it
   * runs beside the others, outside their count of four, instead of holding a place while it waits.
   */
  waits?: boolean;
  /**
   * What the check needs of the server beyond a URL that serves SSE (docs/contract.md); on a target that
   * does not offer all of it, the check reports `skip` with what is missing. Absent: a black box will do.
   */
  needs: Capability[];
}
