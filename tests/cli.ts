/**
 * `./run-test.sh <target> [--only PATTERN]...`: runs the suite against one target, prints a line per
 * check and a summary, writes results/<target>.json. Exit 0: every check passed; 1: some did not;
 * 2: the suite could not run.
 *
 * `--print-command <target>` prints the command that starts the target (NUL-separated) for
 * `./run-test.sh serve`, which `exec`s it so that Ctrl-C reaches the runtime itself.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { CheckResult } from "./harness/check.ts";
import { killAllServers } from "./harness/server-process.ts";
import { runChecks, runInfo, type TargetResults } from "./harness/runner.ts";
import { resolveTarget, ROOT, RuntimeMissingError, UnknownTargetError } from "./harness/targets.ts";
import { selectChecks } from "./checks/index.ts";

class UsageError extends Error {}

function formatResult(result: CheckResult): string {
  const figure = result.figure ? `${result.figure.value} ${result.figure.unit} ${result.figure.label}` : "";
  const status = result.status.padEnd(8);
  const line = `  ${status}${result.id.padEnd(32)}${figure.padEnd(32)}(${(result.durationMs / 1000).toFixed(1)} s)`;
  return result.status === "pass" ? line : `${line}\n            ${result.message}`;
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
  if (positionals.length !== 1) throw new UsageError(`expected one target, got ${positionals.length ? positionals.join(" ") : "none"}`);
  const target = resolveTarget(positionals[0]!);

  if (values["print-command"]) {
    process.stdout.write(target.command.join("\0") + "\0");
    return 0;
  }

  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError("--concurrency takes an integer from 1 to 64");
  const checks = selectChecks(values.only ?? []);
  if (checks.length === 0) throw new UsageError(`no check matches ${values.only!.map((p) => JSON.stringify(p)).join(", ")}`);

  const run = runInfo(target, concurrency);
  console.log(`sse-compat: ${checks.length} checks on ${target.id} (${run.runtime} ${run.runtimeVersion}, ${run.server}, ${run.framework})`);
  const startedAt = performance.now();
  const results = await runChecks(target, checks, { concurrency, onResult: (r) => console.log(formatResult(r)) });
  const wallMs = Math.round(performance.now() - startedAt);

  const file = values.out ?? join(ROOT, "results", `${target.id.replace(/[^a-zA-Z0-9@._-]/g, "_")}.json`);
  mkdirSync(join(file, ".."), { recursive: true });
  const output: TargetResults = { run, wallMs, checks: results };
  writeFileSync(file, JSON.stringify(output, null, 2) + "\n");

  const count = (status: string) => results.filter((r) => r.status === status).length;
  const passed = count("pass");
  const skipped = count("skip");
  const failed = results.length - passed - skipped;
  const notPassed = ["fail", "timeout", "error"].map((s) => `${count(s)} ${s}`).join(", ");
  console.log(`wall time ${(wallMs / 1000).toFixed(1)} s; results in ${file}; not passed: ${notPassed}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

// Ctrl-C during a run: no server under test may outlive the suite.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllServers();
    console.error(`run-test.sh: interrupted by ${signal}`);
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof UnknownTargetError || error instanceof RuntimeMissingError) {
      console.error(`run-test.sh: ${error.message}`);
      if (error instanceof UsageError) console.error("usage: ./run-test.sh <target>[@runtime version] [--only PATTERN]... (see ./run-test.sh --help)");
      process.exit(2);
    }
    console.error(error);
    process.exit(2);
  },
);
