/**
 * `./run-test.sh <target>... [--only PATTERN]...`: runs the suite against each target (`all`: every
 * built-in one), prints a line per check and a summary, and writes each run to runs/<target>/run.json
 * (run.partial.json for a subset). It publishes nothing: `./run-test.sh publish` does.
 * Exit 0: every check passed; 1: some did not; 2: the suite could not run.
 *
 * `--shard i/n` runs the i-th of n pieces of the run (suite/shards/shard.ts), writing
 * runs/<target>/run.shard-i-of-n.json; `./run-test.sh merge` joins the pieces into whole runs.
 *
 * `--print-command <target>` prints the command that starts the target (NUL-separated) for
 * `./run-test.sh serve`, which `exec`s it so that Ctrl-C reaches the runtime itself.
 */
import type { Check } from "../harness/check.ts";
import { browsersOption, checksOption, concurrencyOption, parseCommandLine, runCommand } from "./cli.ts";
import { UsageError } from "../model/errors.ts";
import { writeRun } from "../files/run-files.ts";
import { runTarget } from "../harness/runner.ts";
import { type TargetResults } from "../model/results.ts";
import { resolveTarget, targetNames, type Target } from "../targets/targets.ts";
import { TARGETS_DIR } from "../targets/target-files.ts";
import { resultLine } from "./result-line.ts";
import { parseShard, shardCells, shardLabel, type Shard } from "../shards/shard.ts";

interface RunOptions {
  checks: Check[];
  /** Only some checks (--only). */
  partial: boolean;
  concurrency: number;
  out?: string;
  /** A piece of a split run, and every check of the whole run. */
  shard?: { shard: Shard; allChecks: readonly Check[] };
}

/** Runs the checks on one target, prints a line per check and writes its run file. */
async function runAndWrite(target: Target, options: RunOptions): Promise<TargetResults> {
  const piece = options.shard ? ` (shard ${shardLabel(options.shard.shard)}: ${options.checks.length} of ${options.shard.allChecks.length})` : "";
  console.log(`sse-compat: ${options.checks.length} checks on ${target.id}${piece} (${target.runtime}${target.runtimeVersion ? ` ${target.runtimeVersion}` : ""}, ${target.server}, ${target.framework})`);
  const output = await runTarget(target, options.checks, { concurrency: options.concurrency, onResult: (r) => console.log(resultLine(r)) });
  if (options.shard) output.run.shard = { ...options.shard.shard, checks: options.shard.allChecks.map((c) => c.id) };
  // A subset (--only) or a shard goes to its own file: it must not replace the full run the table is made from.
  const file = writeRun(output, { partial: options.partial, ...(options.shard ? { shard: options.shard.shard } : {}), ...(options.out ? { file: options.out } : {}) });
  const count = (status: string) => output.checks.filter((r) => r.status === status).length;
  const notPassed = ["fail", "timeout", "error", "skip"].map((s) => `${count(s)} ${s}`).join(", ");
  console.log(`${target.id}: wall time ${(output.wallMs / 1000).toFixed(1)} s; ${notPassed}; results in ${file}`);
  return output;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {
        only: { type: "string", multiple: true },
        "print-command": { type: "boolean" },
        concurrency: { type: "string" },
        browsers: { type: "string" },
        out: { type: "string" },
        shard: { type: "string" },
      });
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError("expected a target (or several, or all)");
  const ids = positionals.length === 1 && positionals[0] === "all" ? targetNames() : positionals;
  // Every target is resolved (and a versioned runtime installed) before anything runs.
  const targets = ids.map((id) => resolveTarget(id));

  if (values["print-command"]) {
    if (targets.length !== 1) throw new UsageError("--print-command takes one target");
    // `serve` execs this command in the checkout: only a built-in target's command runs there as is.
    const target = targets[0]!;
    if (target.command.length === 0 || !target.file?.startsWith(TARGETS_DIR + "/") || Object.keys(target.env).length > 0) {
      throw new UsageError(`serve runs the built-in targets (${targetNames().join(", ")}); start ${target.id} yourself, as its target file says`);
    }
    process.stdout.write(targets[0]!.command.join("\0") + "\0");
    return 0;
  }
  if (values.out && targets.length !== 1) throw new UsageError("--out takes one target");
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard && values.out) throw new UsageError("--shard writes one file per target and shard: it takes no --out");

  const concurrency = concurrencyOption(values.concurrency);
  const checks = checksOption(values.only, browsersOption(values.browsers));

  const startedAt = performance.now();
  const partial = values.only !== undefined || values.browsers !== undefined;
  const pieces = shard ? shardCells(targets, checks, shard) : targets.map((target) => ({ target, checks }));
  const runs: TargetResults[] = [];
  for (const piece of pieces) {
    runs.push(await runAndWrite(piece.target, { checks: piece.checks, concurrency, out: values.out, partial, ...(shard ? { shard: { shard, allChecks: checks } } : {}) }));
  }
  const all = runs.flatMap((r) => r.checks);
  const passed = all.filter((r) => r.status === "pass").length;
  const skipped = all.filter((r) => r.status === "skip").length;
  const failed = all.length - passed - skipped;

  if (shard) console.log(`shard ${shardLabel(shard)} done: join the ${shard.total} shards' run folders with ./run-test.sh merge DIR...`);
  else if (!values.only) console.log("publish the table from these runs with ./run-test.sh publish");
  if (targets.length > 1) console.log(`wall time ${((performance.now() - startedAt) / 1000).toFixed(1)} s for ${targets.length} targets`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

runCommand(main, {
  name: "run-test.sh",
  usage: "usage: ./run-test.sh <target>[@version]... | all [--only PATTERN]... [--browsers chromium,firefox,webkit] [--shard i/n] (see ./run-test.sh --help)",
});
