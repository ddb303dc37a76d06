/**
 * From the subjects' results to what a reader needs: each figure beside its runtime's raw ceiling as
 * a ratio (target ÷ ceiling), the issue's goals met or not with the reason, a table on the terminal,
 * and results/bench.json (its shape: BenchResults).
 */
import type { Stat } from "./histogram.ts";
import type { MachineInfo } from "../suite/model/results.ts";
import type { Placement } from "./placement.ts";
import type { SubjectResult } from "./run-subject.ts";
import type { Settings } from "./settings.ts";

export interface Metric {
  key: string;
  label: string;
  unit: string;
  /** Which way is better, for reading the ratio. */
  better: "higher" | "lower";
  value(result: SubjectResult): Stat | number | null | undefined;
}


export function metricsFor(settings: Settings): Metric[] {
  const metrics: Metric[] = [
    { key: "fanout", label: `fan-out, ${settings.clients} clients`, unit: "deliveries/s", better: "higher", value: (r) => r.scenarios.fanout?.deliveredPerSecond },
  ];
  if (settings.largeClients !== null) {
    metrics.push({ key: "fanoutLarge", label: `fan-out, ${settings.largeClients} clients`, unit: "deliveries/s", better: "higher", value: (r) => r.scenarios.fanoutLarge?.deliveredPerSecond });
  }
  metrics.push(
    { key: "latencyP50", label: `latency p50, ${settings.clients} x ${settings.latencyRate}/s`, unit: "ms", better: "lower", value: (r) => r.scenarios.latency?.p50Ms },
    { key: "latencyP99", label: `latency p99, ${settings.clients} x ${settings.latencyRate}/s`, unit: "ms", better: "lower", value: (r) => r.scenarios.latency?.p99Ms },
    { key: "memoryPerConnection", label: "memory per idle connection", unit: "bytes", better: "lower", value: (r) => r.scenarios.memory?.bytesPerConnection },
    { key: "disconnectIdleP99", label: "disconnect detection p99, idle", unit: "ms", better: "lower", value: (r) => r.scenarios.disconnectIdle?.p99Ms },
    { key: "disconnectLoadP99", label: "disconnect detection p99, under load", unit: "ms", better: "lower", value: (r) => r.scenarios.disconnectUnderLoad?.p99Ms },
    { key: "churnRate", label: "churn", unit: "connects/s", better: "higher", value: (r) => r.scenarios.churn?.cyclesPerSecond },
    { key: "churnTtfbP99", label: "churn, first byte p99", unit: "ms", better: "lower", value: (r) => r.scenarios.churn?.ttfbP99Ms },
  );
  if (settings.maxConnections !== null) {
    metrics.push({ key: "maxConnections", label: "most connections held", unit: "connections", better: "higher", value: (r) => r.scenarios.maxConnections?.held });
  }
  return metrics;
}

const figure = (value: Stat | number | null | undefined): number | null =>
  value === null || value === undefined ? null : typeof value === "number" ? value : value.median;

/** One figure of a subject beside its ceiling's and, for a peer, beside our dispatcher's. */
export interface ComparedFigure {
  subject: number | null;
  ceiling: number | null;
  /** subject ÷ ceiling. */
  ratio: number | null;
  /** A peer's: the dispatcher target's figure, and subject ÷ that. */
  dispatcher: number | null;
  ratioToDispatcher: number | null;
  better: "higher" | "lower";
}

export interface Comparison {
  subject: string;
  kind: "target" | "peer";
  /** Null when the run had no ceilings (--no-ceilings). */
  ceiling: string | null;
  /** For a peer: the target (our dispatcher on its runtime) it is compared with. */
  dispatcher: string | null;
  metrics: Record<string, ComparedFigure>;
}

const ratioOf = (a: number | null, b: number | null) => (a !== null && b !== null && b !== 0 ? Math.round((a / b) * 1000) / 1000 : null);

export function compare(results: SubjectResult[], metrics: Metric[]): Comparison[] {
  return results
    // Every target and peer with something to be compared with (--no-ceilings leaves a peer its dispatcher).
    .filter((r): r is SubjectResult & { kind: "target" | "peer" } => r.kind !== "ceiling" && (r.ceiling !== null || r.dispatcher !== null))
    .map((subject) => {
      const ceiling = results.find((r) => r.id === subject.ceiling);
      const dispatcher = subject.dispatcher === null ? undefined : results.find((r) => r.id === subject.dispatcher);
      const entries = metrics.map((m) => {
        const s = figure(m.value(subject));
        const c = ceiling ? figure(m.value(ceiling)) : null;
        const d = dispatcher ? figure(m.value(dispatcher)) : null;
        return [m.key, { subject: s, ceiling: c, ratio: ratioOf(s, c), dispatcher: d, ratioToDispatcher: ratioOf(s, d), better: m.better }] as const;
      });
      return { subject: subject.id, kind: subject.kind, ceiling: subject.ceiling, dispatcher: subject.dispatcher, metrics: Object.fromEntries(entries) };
    });
}

export interface Goal {
  subject: string;
  goal: string;
  value: number | null;
  bound: number;
  /** null: not measured (the scenario broke or was not run). */
  met: boolean | null;
  note?: string;
}

/**
 * The dispatcher's goals: its own targets and the leak check of churn; Node's latency within 1.5× of
 * its ceiling and Node's and Deno's churn at least 0.8×; no figure of a target better than every
 * repeat of its ceiling (a ceiling is a ceiling, beyond the spread of its own repeats).
 */
export function goals(results: SubjectResult[], comparisons: Comparison[], settings: Settings): Goal[] {
  const metrics = metricsFor(settings);
  const out: Goal[] = [];
  const check = (subject: string, goal: string, value: number | null, bound: number, ok: (v: number) => boolean, note?: string) =>
    out.push({ subject, goal, value, bound, met: value === null ? null : ok(value), ...(note ? { note } : {}) });
  for (const result of results.filter((r) => r.kind === "target")) {
    const comparison = comparisons.find((c) => c.subject === result.id);
    for (const key of ["fanout", "fanoutLarge"] as const) {
      const fanout = result.scenarios[key];
      if (!fanout) continue;
      const ratio = comparison?.metrics[key]?.ratio ?? null;
      const limited = fanout.limitedBy ? `first failing step limited by ${fanout.limitedBy}` : undefined;
      check(result.id, `fan-out at ${fanout.clients} clients >= 50% of the raw ceiling`, ratio, 0.5, (v) => v >= 0.5, limited);
    }
    if (result.runtime === "bun" || result.runtime === "deno") {
      const latency = result.scenarios.latency;
      check(result.id, `p99 <= 20 ms at ${settings.clients} x ${settings.latencyRate}/s`, latency?.p99Ms.median ?? null, 20, (v) => v <= 20);
    }
    check(result.id, "<= 32 KB per idle connection", result.scenarios.memory?.bytesPerConnection ?? null, 32 * 1024, (v) => v <= 32 * 1024);
    check(result.id, "disconnect detection p99 < 5 ms, idle", result.scenarios.disconnectIdle?.p99Ms.median ?? null, 5, (v) => v < 5);
    check(result.id, "disconnect detection p99 < 5 ms, under load", result.scenarios.disconnectUnderLoad?.p99Ms.median ?? null, 5, (v) => v < 5);
    const ratio = (key: string) => comparison?.metrics[key]?.ratio ?? null;
    if (result.runtime === "node") {
      check(result.id, "latency p50 within 1.5× of the raw ceiling", ratio("latencyP50"), 1.5, (v) => v <= 1.5);
      check(result.id, "latency p99 within 1.5× of the raw ceiling", ratio("latencyP99"), 1.5, (v) => v <= 1.5);
    }
    if (result.runtime === "node" || result.runtime === "deno") check(result.id, "churn at least 0.8× the raw ceiling", ratio("churnRate"), 0.8, (v) => v >= 0.8);
    const ceiling = results.find((r) => r.id === result.ceiling);
    if (ceiling) {
      // The most connections held is bounded by the attempt (the open-files limit) for both: a few
      // dozen more near that bound say nothing about the ceiling.
      const beyond = metrics.filter((m) => m.key !== "maxConnections").filter((m) => {
        const mine = figure(m.value(result));
        const theirs = m.value(ceiling);
        if (mine === null || theirs === null || theirs === undefined) return false;
        const best = typeof theirs === "number" ? theirs : m.better === "higher" ? theirs.max : theirs.min;
        return best !== null && (m.better === "higher" ? mine > best : mine < best);
      });
      check(result.id, "no figure better than every repeat of the raw ceiling", beyond.length, 0, (v) => v === 0, beyond.length ? beyond.map((m) => m.key).join(", ") : undefined);
    }
    const churn = result.scenarios.churn;
    check(
      result.id,
      "after churn: 0 subscribers and RSS within 10%",
      churn?.rssGrowth ?? null,
      0.1,
      (v) => v <= 0.1 && churn!.subscribersAfter === 0,
      churn ? `${churn.subscribersAfter} subscribers left, RSS ${(churn.rssGrowth * 100).toFixed(1)}%` : undefined,
    );
  }
  return out;
}

export interface BenchResults {
  kind: "sse-compat-bench";
  /** 2: peers, and comparisons keyed by `subject` (1: targets and ceilings only, keyed by `target`). */
  schemaVersion: 2;
  /** The command that made this file, as typed. */
  command: string;
  startedAt: string;
  wallMs: number;
  settings: Settings;
  placement: Placement;
  machine: { atStart: MachineInfo; loadAverageAtEnd: number[] };
  versions: Record<string, string>;
  /** Metric definitions, in table order: key, label, unit, which way is better. */
  metrics: Omit<Metric, "value">[];
  subjects: SubjectResult[];
  comparisons: Comparison[];
  goals: Goal[];
}

function short(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 100) return value.toFixed(0);
  return String(Math.round(value * 10) / 10);
}

function cell(value: Stat | number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number") return short(value);
  if (value.median === null) return "-";
  return value.min !== null && value.max !== null && value.min !== value.max
    ? `${short(value.median)} (${short(value.min)}-${short(value.max)})`
    : short(value.median);
}

/**
 * Subjects side by side in run order (each runtime's targets, its peers, its ceiling): every figure
 * with its ratio to the runtime's ceiling (c) and, for a peer, to our dispatcher's on that runtime (d).
 */
export function formatTable(results: BenchResults): string {
  const metrics = metricsFor(results.settings);
  const columns = results.subjects;
  const header = ["", ...columns.map((c) => c.id)];
  const rows = metrics.map((m) => [
    `${m.label} (${m.unit}, ${m.better} is better)`,
    ...columns.map((c) => {
      const compared = results.comparisons.find((x) => x.subject === c.id)?.metrics[m.key];
      const ratios = [
        compared?.ratio == null ? "" : `c×${compared.ratio.toFixed(2)}`,
        compared?.ratioToDispatcher == null ? "" : `d×${compared.ratioToDispatcher.toFixed(2)}`,
      ].filter(Boolean);
      return [cell(m.value(c)), ...ratios].join(" ");
    }),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push(
    "",
    "median (min-max) of the repeats; c×N = the figure / its runtime's raw ceiling's; d×N = a peer's figure / our dispatcher's on the same runtime",
  );
  const peers = results.comparisons.filter((c) => c.kind === "peer");
  if (peers.length) out.push(`peers (the code users write instead): ${peers.map((p) => `${p.subject} beside ${p.dispatcher}`).join(", ")}`);
  if (results.goals.length) {
    out.push("", "goals (the dispatcher's):");
    for (const g of results.goals) {
      const status = g.met === null ? "not measured" : g.met ? "met" : "NOT met";
      out.push(`  ${status.padEnd(13)}${g.subject}: ${g.goal}: ${g.value ?? "-"}${g.note ? ` (${g.note})` : ""}`);
    }
  }
  for (const s of results.subjects) for (const e of s.errors) out.push(`  error      ${s.id}: ${e.scenario}: ${e.message}`);
  return out.join("\n");
}
