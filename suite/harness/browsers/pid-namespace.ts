/**
 * A browser as PID 1 of a PID namespace of its own (`unshare --pid --fork --kill-child`, root only):
 * when it exits, or is killed, the kernel kills and reaps everything it left inside, so nothing is
 * orphaned to the machine's PID 1. SSE_ENGINE_PIDNS=0 turns it off (processes.ts still cleans up).
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const UNSHARE = "/usr/bin/unshare";
export const UNSHARE_ARGS = ["--pid", "--fork", "--kill-child"];

let works: Promise<boolean> | undefined;

/** Whether `unshare --pid` works here (tried once, bounded). */
export function canUsePidNamespace(): Promise<boolean> {
  if (process.env.SSE_ENGINE_PIDNS === "0" || !existsSync(UNSHARE)) return Promise.resolve(false);
  works ??= new Promise<boolean>((resolve) => {
    const child = spawn(UNSHARE, [...UNSHARE_ARGS, "/bin/true"], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("error", () => resolve(false));
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
  return works;
}

/** The argv that runs `argv` in a namespace of its own. */
export const inPidNamespace = (argv: string[]): string[] => [UNSHARE, ...UNSHARE_ARGS, ...argv];

/**
 * A script in `dir` that execs `binary` in a namespace of its own, for libraries that spawn the
 * browser themselves (playwright-core, puppeteer-core take an executable path, not an argv).
 */
export function pidNamespaceWrapper(dir: string, binary: string): string {
  const path = join(dir, `${binary.split("/").pop()}-in-pidns`);
  writeFileSync(path, `#!/bin/sh\nexec ${UNSHARE} ${UNSHARE_ARGS.join(" ")} ${JSON.stringify(binary)} "$@"\n`, { mode: 0o755 });
  return path;
}
