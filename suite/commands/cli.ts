/**
 * What every command of run-test.sh shares: usage errors, the `--concurrency` and `--only` options,
 * and running `main` so that a user's mistake exits 2 with a message, Ctrl-C leaves no server under
 * test behind, and the exit code is main's.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { selectChecks } from "../checks/registry.ts";
import { UsageError } from "../model/errors.ts";
import { closeAllEngines } from "../harness/browsers/registry.ts";
import { ENGINE_NAMES, type EngineName } from "../model/engines.ts";
import type { Check } from "../harness/check.ts";
import { killAllServers } from "../harness/server-process.ts";
import { DEFAULT_CONCURRENCY } from "../harness/runner.ts";
import { RuntimeMissingError, UnknownTargetError } from "../targets/runtime-versions.ts";
import { UnavailableTargetError } from "../targets/targets.ts";
import { ResultsMissingError } from "../files/run-files.ts";
import { SchemaError } from "../files/versioned-json.ts";

/** A command's arguments parsed by node:util's parseArgs (positionals allowed); what it refuses is a UsageError. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const cleanups = new Set<() => void>();

/**
 * Something besides the servers under test that must not outlive the command (the bench's client
 * processes): run on Ctrl-C, SIGTERM and any failure. Returns the function that removes it again.
 */
export function onCleanup(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function cleanUp(): void {
  for (const cleanup of cleanups) cleanup();
  killAllServers();
  // Browsers: their trees are killed by the exit hook of browsers/processes.ts; start the orderly close too.
  void closeAllEngines();
}

/** `--concurrency N`: how many checks run at once (default 4). */
export function concurrencyOption(value: string | undefined): number {
  const concurrency = value === undefined ? DEFAULT_CONCURRENCY : Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError("--concurrency takes an integer from 1 to 64");
  return concurrency;
}

/** `--browsers chromium,firefox`: the engines the browser checks run in (default: all three). */
export function browsersOption(value: string | undefined): EngineName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ENGINE_NAMES as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw new UsageError(`--browsers takes a comma-separated list of ${ENGINE_NAMES.join(", ")}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}`);
  return names as EngineName[];
}

/** The checks `--only` selects (all without it), in the engines `--browsers` names; none is a usage error. */
export function checksOption(patterns: string[] | undefined, engines?: EngineName[]): Check[] {
  const checks = selectChecks(patterns ?? [], engines);
  if (checks.length === 0) throw new UsageError(`no check matches ${(patterns ?? []).map((p) => JSON.stringify(p)).join(", ")}`);
  return checks;
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface CommandOptions {
  /** Put before every message, e.g. "run-test.sh matrix". */
  name: string;
  /** Printed after a usage error. */
  usage: string;
  /** Further errors that are the user's (a bad version, say): message and exit 2, no stack. */
  userErrors?: ErrorClass[];
}

export function runCommand(main: (argv: string[]) => Promise<number>, options: CommandOptions): void {
  // Ctrl-C during a run: no server under test may outlive the command.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      cleanUp();
      console.error(`${options.name}: interrupted by ${signal}`);
      process.exit(130);
    });
  }
  // A missing or stale results file is the user's to regenerate, in every command that reads one.
  const userErrors: ErrorClass[] = [UsageError, UnknownTargetError, UnavailableTargetError, RuntimeMissingError, ResultsMissingError, SchemaError, ...(options.userErrors ?? [])];
  main(process.argv.slice(2)).then(
    // The runs' browsers are shared by every run of the command: ended once, at its end.
    (code) => closeAllEngines().then(() => process.exit(code)),
    (error: unknown) => {
      cleanUp();
      if (userErrors.some((kind) => error instanceof kind)) {
        console.error(`${options.name}: ${(error as Error).message}`);
        if (error instanceof UsageError) console.error(options.usage);
        process.exit(2);
      }
      console.error(error);
      process.exit(2);
    },
  );
}
