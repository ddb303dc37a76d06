/**
 * No process of a run outlives the harness, however it ends. Exit handlers cover an orderly end and
 * Ctrl-C; for a harness killed outright (SIGKILL) the watchdog (watchdog.ts) kills what is left.
 * Every server and browser the harness starts is a process group of its own, and is guarded here
 * from its start until it has been reaped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const WATCHDOG = fileURLToPath(new URL("./watchdog.ts", import.meta.url));

let watchdog: ChildProcess | undefined;

function ensureWatchdog(): ChildProcess | undefined {
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) return watchdog;
  try {
    // Detached, in a group of its own: a Ctrl-C to the harness's group reaches the harness, which
    // cleans up itself; the watchdog only acts when its stdin pipe ends.
    watchdog = spawn(process.execPath, [WATCHDOG], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    watchdog.on("error", () => (watchdog = undefined));
    watchdog.stdin!.on("error", () => {});
    // Neither the process nor its pipe keeps the harness alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
    return watchdog;
  } catch {
    return undefined;
  }
}

/** Guards process group `pgid` (a child started with `detached: true`) until release(). */
export function guard(pgid: number | undefined): void {
  if (pgid === undefined || pgid <= 1) return;
  ensureWatchdog()?.stdin?.write(`+${pgid}\n`);
}

/** The group is gone (reaped): the watchdog must not kill a later group that reuses the number. */
export function release(pgid: number | undefined): void {
  if (pgid === undefined || pgid <= 1) return;
  watchdog?.stdin?.write(`-${pgid}\n`);
}
