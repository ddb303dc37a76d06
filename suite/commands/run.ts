/**
 * `./run-test.sh <target>... [--only PATTERN]...`: runs the suite against each target, prints a line
 * per check and a summary, writes results/<target>.json; with several targets (`all`: every one) and
 * every check, publishes COMPATIBILITY.md, results/compat.json and results/report.html. Exit 0: every
 * check passed; 1: some did not; 2: the suite could not run.
 *
 * `--print-command <target>` prints the command that starts the target (NUL-separated) for
 * `./run-test.sh serve`, which `exec`s it so that Ctrl-C reaches the runtime itself.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { Check, CheckResult } from "../harness/check.ts";
import { checksOption, concurrencyOption, runCommand, UsageError } from "../harness/command.ts";
import { runChecks, runInfo, type TargetResults } from "../harness/runner.ts";
import { resolveTarget, ROOT, TARGET_NAMES, type Target } from "../harness/targets.ts";
import { writeReport } from "../table/publish.ts";

function formatResult(result: CheckResult): string {
  const figure = result.figure ? `${result.figure.value} ${result.figure.unit} ${result.figure.label}` : "";
  const status = result.status.padEnd(8);
  const line = `  ${status}${result.id.padEnd(32)}${figure.padEnd(32)}(${(result.durationMs / 1000).toFixed(1)} s)`;
  return result.status === "pass" ? line : `${line}\n            ${result.message}`;
}

interface RunOptions {
  checks: Check[];
  /** Only some checks (--only). */
  partial: boolean;
  concurrency: number;
  out?: string;
}

/** Runs the checks on one target, prints a line per check and writes its results file. */
async function runTarget(target: Target, options: RunOptions): Promise<TargetResults> {
  const run = runInfo(target, options.concurrency);
  console.log(`sse-compat: ${options.checks.length} checks on ${target.id} (${run.runtime} ${run.runtimeVersion}, ${run.server}, ${run.framework})`);
  const startedAt = performance.now();
  const results = await runChecks(target, options.checks, { concurrency: options.concurrency, onResult: (r) => console.log(formatResult(r)) });
  const wallMs = Math.round(performance.now() - startedAt);
  // A subset (--only) goes to its own file: it must not replace the full run the table is made from.
  const name = target.id.replace(/[^a-zA-Z0-9@._-]/g, "_") + (options.partial ? ".partial" : "");
  const file = options.out ?? join(ROOT, "results", `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  const output: TargetResults = { run, wallMs, checks: results };
  writeFileSync(file, JSON.stringify(output, null, 2) + "\n");
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const notPassed = ["fail", "timeout", "error", "skip"].map((s) => `${count(s)} ${s}`).join(", ");
  console.log(`${target.id}: wall time ${(wallMs / 1000).toFixed(1)} s; ${notPassed}; results in ${file}`);
  return output;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        only: { type: "string", multiple: true },
        "print-command": { type: "boolean" },
        concurrency: { type: "string" },
        out: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError("expected a target (or several, or all)");
  const ids = positionals.length === 1 && positionals[0] === "all" ? TARGET_NAMES : positionals;
  // Every target is resolved (and a versioned runtime installed) before anything runs.
  const targets = ids.map((id) => resolveTarget(id));

  if (values["print-command"]) {
    if (targets.length !== 1) throw new UsageError("--print-command takes one target");
    process.stdout.write(targets[0]!.command.join("\0") + "\0");
    return 0;
  }
  if (values.out && targets.length !== 1) throw new UsageError("--out takes one target");

  const concurrency = concurrencyOption(values.concurrency);
  const checks = checksOption(values.only);

  const startedAt = performance.now();
  const runs: TargetResults[] = [];
  for (const target of targets) runs.push(await runTarget(target, { checks, concurrency, out: values.out, partial: values.only !== undefined }));
  const all = runs.flatMap((r) => r.checks);
  const passed = all.filter((r) => r.status === "pass").length;
  const skipped = all.filter((r) => r.status === "skip").length;
  const failed = all.length - passed - skipped;

  // Several targets, every check: publish the table (a subset would publish holes).
  if (targets.length > 1 && !values.only) {
    const { files } = writeReport(runs);
    console.log(`published ${files.markdown}, ${files.compat}, ${files.html}`);
  }
  if (targets.length > 1) console.log(`wall time ${((performance.now() - startedAt) / 1000).toFixed(1)} s for ${targets.length} targets`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

runCommand(main, {
  name: "run-test.sh",
  usage: "usage: ./run-test.sh <target>[@version]... | all [--only PATTERN]... (see ./run-test.sh --help)",
});
