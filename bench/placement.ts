/**
 * Where the processes run and with how many open files: the server on its own cores, the load
 * clients and the coordinator on the others (taskset, where it is installed and allowed), each
 * process with its open-files limit raised to the hard limit (one connection is one file).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

export interface Placement {
  /** taskset CPU lists, or null where pinning is not available. */
  serverCpus: string | null;
  clientCpus: string | null;
  /** Why there is no pinning, if there is none. */
  note?: string;
  openFiles: { soft: number; hard: number };
}

function openFilesLimit(): { soft: number; hard: number } {
  const out = execFileSync("bash", ["-c", "ulimit -Sn; ulimit -Hn"], { encoding: "utf8" }).trim().split("\n");
  const parse = (v: string | undefined) => (v === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(v));
  return { soft: parse(out[0]), hard: parse(out[1]) };
}

export function detectPlacement(): Placement {
  const openFiles = openFilesLimit();
  const cores = availableParallelism();
  if (cores < 2) return { serverCpus: null, clientCpus: null, note: "one core: nothing to separate", openFiles };
  if (spawnSync("taskset", ["-c", "0", "true"]).status !== 0) {
    return { serverCpus: null, clientCpus: null, note: "taskset missing or not allowed", openFiles };
  }
  const half = Math.floor(cores / 2);
  const list = (from: number, to: number) => (to - from === 1 ? String(from) : `${from}-${to - 1}`);
  return { serverCpus: list(0, half), clientCpus: list(half, cores), openFiles };
}

/**
 * `command` run with the open-files limit raised to the hard limit and pinned to `cpus`. Each step
 * `exec`s the next, so the process id stays that of the runtime (signals, /proc, process group).
 */
export function placedCommand(command: string[], cpus: string | null): string[] {
  const raise = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  return ["bash", "-c", raise, "bench", ...(cpus ? ["taskset", "-c", cpus] : []), ...command];
}

/** Pins the coordinator (every thread) with the clients, off the server's cores. */
export function pinSelf(cpus: string | null): void {
  if (cpus) spawnSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}
