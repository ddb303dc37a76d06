/**
 * The watchdog: a small process beside the harness that kills every process group the harness
 * started once the harness is gone, however it went (SIGKILL from an OOM killer or a CI timeout
 * included, when no exit handler of the harness can run).
 *
 * The harness starts it once, detached, with a pipe on its stdin, and writes `+<pgid>` for every
 * server group or browser process it starts and `-<pgid>` when it has reaped one. When the pipe ends (the
 * harness exited or was killed: the kernel closes its end), the watchdog sends SIGKILL to every
 * group still listed and exits. It runs on the harness's own Node binary.
 */
import { createInterface } from "node:readline";

const groups = new Set<number>();

function killAll(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Not a group leader (a browser started by its driver library): the process itself. A browser
      // in a PID namespace of its own takes the namespace with it (unshare --kill-child).
      try {
        process.kill(pgid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
  groups.clear();
}

// The harness's Ctrl-C must not take the watchdog down before it has done its work.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.on("SIGHUP", () => {});

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const pgid = Number(line.slice(1));
  if (!Number.isInteger(pgid) || pgid <= 1) return;
  if (line.startsWith("+")) groups.add(pgid);
  else if (line.startsWith("-")) groups.delete(pgid);
});
lines.on("close", () => {
  killAll();
  process.exit(0);
});
