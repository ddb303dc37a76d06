/**
 * What a run records: each check's status, message, figure and evidence, and the run's own
 * information (target, versions, machine, environment). Types and constructors only, no I/O: the
 * harness writes these, the table, expectations, matrices and commands read them.
 */

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

export interface MachineInfo {
  hostname: string;
  os: string;
  kernel: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  loadAverage: number[];
}

export interface SignalDispositions {
  /** Of SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE: those ignored and those with a handler. */
  ignored: string[];
  caught: string[];
}

export interface RunInfo {
  date: string;
  target: string;
  machine: MachineInfo;
  os: string;
  arch: string;
  runtime: string;
  runtimeVersion: string;
  server: string;
  framework: string;
  /** Runtime flags the target ran with (`deno+no-legacy-abort`); empty for none. */
  runtimeFlags: string[];
  /** The server's own version where its target file says how to ask (`waitress` → "2.1.2"). */
  serverVersion?: string;
  /** The table the column belongs to: the runtimes', the seed's servers', or the user's own. */
  table?: "runtimes" | "seed" | "yours";
  /** What the target offers (docs/contract.md); checks needing more were skipped. */
  offers?: string[];
  /** The target file, relative to the repository when inside it. */
  targetFile?: string;
  libraries: Record<string, string>;
  suiteCommit: string;
  /** The piece of a split run (--shard) this file holds, and every check of the whole run; absent for a whole run. */
  shard?: { index: number; total: number; checks: string[] };
  /** A merged run (`./run-test.sh merge`): where each shard ran; each check says its shard in `ranOn`. */
  shards?: ShardOrigin[];
  harnessNode: string;
  environment: {
    scrubbedForServers: string[];
    ci: boolean;
    concurrency: number;
    /** The harness's own signal dispositions: its children start with the defaults all the same (libuv resets them). */
    harnessSignals?: SignalDispositions | null;
  };
}

/** Where one shard of a merged run ran. */
export interface ShardOrigin {
  index: number;
  total: number;
  date: string;
  hostname: string;
  suiteCommit: string;
  wallMs: number;
}

export interface TargetResults {
  /** SCHEMA_VERSIONS.run (suite/model/schema.ts); written by writeRun. */
  schemaVersion?: number;
  run: RunInfo;
  wallMs: number;
  checks: CheckResult[];
}
