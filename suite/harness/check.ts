/**
 * What a check is and how one runs. A check is declared once, here in the shape of `Check`: its id,
 * group, kind, the seed question it answers, what passes, its bounds, the unit and label of its
 * figure, the fixtures that must make it fail with the reason each must give, where it must pass,
 * and its body. The table, the catalogue (CHECKS.md), the charts, the calibration test and the
 * expectations all read these declarations (suite/checks/registry.ts collects them).
 */
import { startServer, type ServerProcess, type StartOptions } from "./server-process.ts";
import type { Target } from "./targets.ts";
import { TimeoutError, withTimeout } from "./wait.ts";
import type { GroupLetter, SeedQuestion } from "../checks/groups.ts";
import type { EngineName } from "./browsers/engine.ts";
import { missingCapabilities, skipReason, type Capability } from "./capabilities.ts";

export type Status = "pass" | "fail" | "timeout" | "error" | "skip";
export type Kind = "fact" | "outcome";
export type Unit = "ms" | "bytes" | "MB" | "count" | "events/s";

/** What a check's figure measures: declared once per check. */
export interface FigureSpec {
  unit: Unit;
  /** What the number is, e.g. "worst latency". */
  label: string;
  /** The bound (a key of `bounds`) the figure is judged against: the charts draw it. */
  bound?: string;
}

/**
 * A figure as a check's body gives it: measured, or censored (the check saw nothing within its bound,
 * and `value` is that bound: read "> value", never as a measurement).
 */
export interface FigureValue {
  value: number;
  censored?: true;
}

/** A figure in a result: the value with its declared unit and label. */
export interface Figure extends FigureValue, Omit<FigureSpec, "bound"> {}

/**
 * The harness's own machinery failed (a warm-up that never came, a set-up step): the check reports
 * `error` with the cause, never `timeout` or `fail`, which are findings about the target.
 */
export class HarnessError extends Error {
  override name = "HarnessError";
}

/** A step of the check's own set-up: however it fails (a bounded wait included), that is `error`. */
export async function setUpStep<T>(what: string, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw new HarnessError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const measured = (value: number): FigureValue => ({ value });
export const censored = (bound: number): FigureValue => ({ value: bound, censored: true });

/** What a check's body decides; `timeout` and `error` come from how the body ended. */
export interface Verdict {
  status: "pass" | "fail" | "skip";
  message: string;
  figure?: FigureValue;
  evidence?: Record<string, unknown>;
}

export interface CheckResult {
  id: string;
  status: Status;
  message: string;
  figure?: Figure;
  evidence: Record<string, unknown>;
  durationMs: number;
  /** In a merged run: the shard, machine and suite commit this check ran on. */
  ranOn?: { shard: number; hostname: string; suiteCommit: string };
}

export interface CheckContext {
  target: Target;
  /** Starts the target (env: SSE_* settings); stopped and reaped, its clients closed, when the check ends. */
  start(options?: StartOptions): Promise<ServerProcess>;
  /** Free-form evidence, merged into the result whatever the outcome. */
  evidence: Record<string, unknown>;
  /** Runs `cleanup` when the check ends, on every path (a helper server, a page). */
  defer(cleanup: () => unknown): void;
}

export interface Check {
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
   * For a check that also judges a black box (its own events, CONTRACT.md level 1): fixtures it must
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
   * What the check needs of the server beyond a URL that serves SSE (CONTRACT.md); on a target that
   * does not offer all of it, the check reports `skip` with what is missing. Absent: a black box will do.
   */
  needs: Capability[];
  run(ctx: CheckContext): Promise<Verdict>;
}

/** Server evidence worth keeping: what it reported and what it printed besides. */
function serverEvidence(server: ServerProcess): Record<string, unknown> {
  return {
    pid: server.pid,
    stderr: server.stderr.slice(0, 4000),
    stdoutNoise: server.stdoutNoise.slice(0, 20).map((n) => n.line),
    scrubbedEnv: server.removedEnv,
    signalDispositions: server.dispositions ?? null,
    sseEnv: Object.fromEntries(Object.entries(server.env).filter(([k]) => k.startsWith("SSE_") || k === "PORT")),
    recordTypes: countTypes(server.records.map((r) => r.type)),
  };
}

function countTypes(types: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of types) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export async function runCheck(check: Check, target: Target): Promise<CheckResult> {
  const startedAt = performance.now();
  const missing = missingCapabilities(check.needs, target.offers);
  if (missing.length) {
    return { id: check.id, status: "skip", message: skipReason(target.name, missing), evidence: { missingCapabilities: missing }, durationMs: 0 };
  }
  const servers: ServerProcess[] = [];
  const deferred: (() => unknown)[] = [];
  const ctx: CheckContext = {
    target,
    evidence: {},
    defer(cleanup) {
      deferred.push(cleanup);
    },
    async start(options) {
      const server = await startServer(target, options);
      servers.push(server);
      return server;
    },
  };
  let result: { status: Status; message: string; figure?: FigureValue; evidence?: Record<string, unknown> };
  try {
    result = await withTimeout(check.run(ctx), check.timeoutMs, `check ${check.id}`);
    if (result.figure && !check.figure) throw new Error(`${check.id} gave a figure but declares none`);
  } catch (error) {
    if (error instanceof HarnessError) result = { status: "error", message: `the harness could not run the check: ${error.message}` };
    else if (error instanceof TimeoutError) result = { status: "timeout", message: error.message };
    else result = { status: "error", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    for (const cleanup of deferred.reverse()) await Promise.resolve().then(cleanup).catch(() => {});
    await Promise.all(servers.map((s) => s.stop()));
  }
  return {
    id: check.id,
    status: result.status,
    message: result.message,
    ...(result.figure && check.figure ? { figure: { value: result.figure.value, unit: check.figure.unit, label: check.figure.label, ...(result.figure.censored ? { censored: true as const } : {}) } } : {}),
    evidence: {
      ...ctx.evidence,
      ...result.evidence,
      servers: servers.map(serverEvidence),
    },
    durationMs: Math.round(performance.now() - startedAt),
  };
}

export const pass = (message: string, figure?: FigureValue, evidence?: Record<string, unknown>): Verdict => ({
  status: "pass",
  message,
  ...(figure ? { figure } : {}),
  ...(evidence ? { evidence } : {}),
});

export const fail = (message: string, figure?: FigureValue, evidence?: Record<string, unknown>): Verdict => ({
  status: "fail",
  message,
  ...(figure ? { figure } : {}),
  ...(evidence ? { evidence } : {}),
});

export const skip = (message: string): Verdict => ({ status: "skip", message });
