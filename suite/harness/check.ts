/**
 * What a check is and how one runs: status, figure and evidence, with every server it started stopped
 * and reaped on every path. Ids and meanings come from ../shared/CHECKS.md.
 */
import { startServer, type ServerProcess, type StartOptions } from "./server-process.ts";
import type { Target } from "./targets.ts";
import { TimeoutError, withTimeout } from "./wait.ts";

export type Status = "pass" | "fail" | "timeout" | "error" | "skip";

export interface Figure {
  value: number;
  unit: "ms" | "bytes" | "MB" | "count" | "events/s";
  /** What the number is, e.g. "worst latency". */
  label: string;
}

/** What a check's body decides; `timeout` and `error` come from how the body ended. */
export interface Verdict {
  status: "pass" | "fail" | "skip";
  message: string;
  figure?: Figure;
  evidence?: Record<string, unknown>;
}

export interface CheckResult {
  id: string;
  status: Status;
  message: string;
  figure?: Figure;
  evidence: Record<string, unknown>;
  durationMs: number;
}

export interface CheckContext {
  target: Target;
  /** Starts the target (env: SSE_* settings); stopped and reaped when the check ends. */
  start(options?: StartOptions): Promise<ServerProcess>;
  /** Free-form evidence, merged into the result whatever the outcome. */
  evidence: Record<string, unknown>;
}

export interface Check {
  id: string;
  /** `fact`: the runtime with the app's mitigations off; `outcome`: what a user of the dispatcher gets. */
  kind: "fact" | "outcome";
  /** Fixtures (tests/fixtures/<name>.ts) this check must flag with `fail` or `timeout`. */
  calibration: string[];
  /**
   * Targets where the check must pass, showing that it can (default: the reference app on `node`).
   * A fact that no runtime satisfies names a fixture that does.
   */
  passesOn?: string[];
  /** Bound on the whole check, ms; past it the result is `timeout`. */
  timeoutMs: number;
  /** Runs alone: it loads the machine enough to disturb timing checks running beside it. */
  exclusive?: boolean;
  run(ctx: CheckContext): Promise<Verdict>;
}

/** Server evidence worth keeping: what it reported and what it printed besides. */
function serverEvidence(server: ServerProcess): Record<string, unknown> {
  return {
    pid: server.pid,
    stderr: server.stderr.slice(0, 4000),
    stdoutNoise: server.stdoutNoise.slice(0, 20).map((n) => n.line),
    scrubbedEnv: server.removedEnv,
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
  const servers: ServerProcess[] = [];
  const ctx: CheckContext = {
    target,
    evidence: {},
    async start(options) {
      const server = await startServer(target, options);
      servers.push(server);
      return server;
    },
  };
  let result: Omit<CheckResult, "durationMs" | "id" | "evidence"> & { evidence?: Record<string, unknown> };
  try {
    const verdict = await withTimeout(check.run(ctx), check.timeoutMs, `check ${check.id}`);
    result = verdict;
  } catch (error) {
    if (error instanceof TimeoutError) result = { status: "timeout", message: error.message };
    else result = { status: "error", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return {
    id: check.id,
    status: result.status,
    message: result.message,
    ...(result.figure ? { figure: result.figure } : {}),
    evidence: {
      ...ctx.evidence,
      ...result.evidence,
      servers: servers.map(serverEvidence),
    },
    durationMs: Math.round(performance.now() - startedAt),
  };
}

export const pass = (message: string, figure?: Figure, evidence?: Record<string, unknown>): Verdict => ({
  status: "pass",
  message,
  ...(figure ? { figure } : {}),
  ...(evidence ? { evidence } : {}),
});

export const fail = (message: string, figure?: Figure, evidence?: Record<string, unknown>): Verdict => ({
  status: "fail",
  message,
  ...(figure ? { figure } : {}),
  ...(evidence ? { evidence } : {}),
});

export const skip = (message: string): Verdict => ({ status: "skip", message });
