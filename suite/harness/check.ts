/**
 * How a check runs: its body gets a context (the target, a way to start it, evidence, cleanups), and
 * `runCheck` turns what the body decided, or how it ended, into a result. What a check declares is
 * suite/model/check.ts; what a result holds, suite/model/results.ts.
 */
import { startServer, type ServerProcess, type StartOptions } from "./server-process.ts";
import type { Target } from "../targets/targets.ts";
import { TimeoutError, withTimeout } from "./wait.ts";
import { missingCapabilities, skipReason } from "../model/capabilities.ts";
import type { CheckDeclaration } from "../model/check.ts";
import type { CheckResult, FigureValue, Status, Verdict } from "../model/results.ts";

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

export interface CheckContext {
  target: Target;
  /** Starts the target (env: SSE_* settings); stopped and reaped, its clients closed, when the check ends. */
  start(options?: StartOptions): Promise<ServerProcess>;
  /** Free-form evidence, merged into the result whatever the outcome. */
  evidence: Record<string, unknown>;
  /** Runs `cleanup` when the check ends, on every path (a helper server, a page). */
  defer(cleanup: () => unknown): void;
}

export interface Check extends CheckDeclaration {
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
