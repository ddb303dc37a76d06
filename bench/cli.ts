/**
 * `./run-test.sh bench <target>... [--quick] [--clients N] [--repeats N] [--out FILE] [--no-ceilings] [--peers LIST]`
 *
 * Runs every scenario against each target, the peers of its runtime (bench/peers/: the code a user
 * would write instead) and its runtime's raw ceiling, prints the figures side by side (each as a
 * ratio to its ceiling's, a peer's also to our dispatcher's) and the goals, and writes
 * runs/bench.json. Exit 0: every scenario ran; 1: some broke (see `errors`); 2: could not run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { onCleanup, parseCommandLine, runCommand } from "../suite/commands/cli.ts";
import { UsageError } from "../suite/model/errors.ts";
import { RUNS_DIR } from "../suite/files/paths.ts";
import { topFiles } from "../suite/files/layout.ts";
import { SCHEMA_VERSIONS } from "../suite/model/schema.ts";
import { ClientPool } from "./client-pool.ts";
import { type ClientRuntime, settingsFor } from "./settings.ts";
import { machineInfo } from "../suite/harness/machine.ts";
import { versions } from "./versions.ts";
import { detectPlacement, pinSelf } from "./placement.ts";
import { compare, formatTable, goals, metricsFor, type BenchResults } from "./summary.ts";
import { runSubject, type SubjectResult } from "./run-subject.ts";
import { PEER_NAMES, subjectsFor } from "./subjects.ts";

const USAGE = `usage: ./run-test.sh bench <target>... [options]

  --quick          about 10 s per server: base population only, no 10x fan-out, no connection limit
  --clients N      the base population (default 1000; memory levels, 10x fan-out and the
                   connection limit scale with it)
  --repeats N      measured repeats of each scenario (default 3, at least 1)
  --out FILE       where the results go (default runs/bench.json; ./run-test.sh publish copies it to results/)
  --no-ceilings    skip the raw ceilings (no ratios to them)
  --peers LIST     the peers to run, comma-separated, or none (default: all of ${PEER_NAMES.join(", ")})
  --client-runtime bun|node
                   what the load clients run on (default bun: cheaper per socket read than node,
                   so that the server, not the clients, runs out of CPU first)

Each target runs next to the peers of its runtime (bench/peers/) and its runtime's raw ceiling
(bench/ceilings/). Server and load clients run on separate cores where taskset allows.
Exit 0: every scenario ran; 1: some broke; 2: could not run.`;


function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** `--peers a,b`, `--peers none`, or every peer; an unknown name is refused with the known ones. */
function peersOption(value: string | undefined): string[] {
  if (value === undefined) return [...PEER_NAMES];
  if (value === "none") return [];
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !PEER_NAMES.includes(n));
  if (unknown.length || names.length === 0) throw new UsageError(`--peers: unknown peer ${JSON.stringify(unknown[0] ?? value)}; known: ${PEER_NAMES.join(", ")}, or none`);
  return names;
}

function clientRuntimeOption(value: string | undefined): ClientRuntime {
  if (value === undefined) return "bun";
  if (value === "bun" || value === "node") return value;
  throw new UsageError(`--client-runtime: expected bun or node, got ${JSON.stringify(value)}`);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {
        quick: { type: "boolean" },
        clients: { type: "string" },
        repeats: { type: "string" },
        out: { type: "string" },
        "no-ceilings": { type: "boolean" },
        peers: { type: "string" },
        "client-runtime": { type: "string" },
        help: { type: "boolean", short: "h" },
      });
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("expected at least one target, e.g. ./run-test.sh bench node deno bun");
  const placement = detectPlacement();
  const settings = settingsFor(values.quick ? "quick" : "full", positiveInteger("--clients", values.clients, 1000), placement.openFiles.hard, clientRuntimeOption(values["client-runtime"]));
  settings.repeats = positiveInteger("--repeats", values.repeats, settings.repeats);
  const subjects = subjectsFor(positionals, { ceilings: !values["no-ceilings"], peers: peersOption(values.peers) });
  const out = values.out ?? topFiles(RUNS_DIR).bench;

  const startedAt = new Date();
  const started = performance.now();
  const atStart = machineInfo();
  pinSelf(placement.clientCpus);
  console.log(
    `sse-compat bench (${settings.mode}): ${subjects.map((s) => s.id).join(", ")}; ${settings.clients} clients, ` +
      `${settings.clientProcesses} client processes on ${settings.clientRuntime}; ` +
      (placement.serverCpus ? `server on CPU ${placement.serverCpus}, clients on CPU ${placement.clientCpus}` : `no pinning (${placement.note})`) +
      `; load average ${atStart.loadAverage.join(" ")}`,
  );
  const pool = await ClientPool.start(settings.clientProcesses, settings.clientRuntime, placement.clientCpus);
  const removeCleanup = onCleanup(() => void pool.stop());

  const results: SubjectResult[] = [];
  try {
    for (const subject of subjects) {
      const compared = subject.dispatcher ? `; beside ${subject.dispatcher}` : "";
      console.log(`\n${subject.id} (${subject.target.server}, ${subject.target.framework}${compared})`);
      const result = await runSubject(subject, pool, placement, settings, (line) => console.log(`  ${line}`));
      console.log(`  ${subject.id}: ${(result.wallMs / 1000).toFixed(1)} s`);
      results.push(result);
    }
  } finally {
    removeCleanup();
    await pool.stop();
  }

  const metrics = metricsFor(settings);
  const comparisons = compare(results, metrics);
  const output: BenchResults = {
    kind: "sse-compat-bench",
    command: `./run-test.sh bench ${argv.join(" ")}`.trim(),
    schemaVersion: SCHEMA_VERSIONS.bench,
    startedAt: startedAt.toISOString(),
    wallMs: Math.round(performance.now() - started),
    settings,
    placement,
    machine: { atStart, loadAverageAtEnd: machineInfo().loadAverage },
    versions: versions(settings.clientRuntime),
    metrics: metrics.map(({ value: _value, ...rest }) => rest),
    subjects: results,
    comparisons,
    goals: goals(results, comparisons, settings),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(output, null, 2) + "\n");
  console.log(`\n${formatTable(output)}\n\nwall time ${(output.wallMs / 1000).toFixed(1)} s; results in ${out}`);
  console.log("Figures from a shared machine are noisy: compare ratios measured in the same run, not runs.");
  return results.some((r) => r.errors.length > 0) ? 1 : 0;
}

runCommand(main, { name: "bench", usage: USAGE });
