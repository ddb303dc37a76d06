/**
 * The processes a browser leaves behind. All three engines sometimes exit before reaping their own
 * children (Firefox on every close: forkserver, RDD, Utility); orphaned zombies then wait for the
 * machine's PID 1, which here reaps them only every ~2 s and in a container may never. So each
 * engine records the tree it started (re-read every 2 s and at close) and, on close, kills what is
 * left leaves-first, each parent still alive to reap its children, waiting (bounded) until each is
 * gone. Where `unshare --pid` works, the browser is also PID 1 of its own namespace (pid-namespace.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { delay } from "../wait.ts";

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
  /** Start time in clock ticks: tells a process from a later one that reuses its pid. */
  start: number;
}

export function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const rest = stat.slice(close + 2).split(" ");
    return { pid, comm: stat.slice(open + 1, close), state: rest[0]!, ppid: Number(rest[1]), start: Number(rest[19]) };
  } catch {
    return undefined;
  }
}

export function listProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = readProc(Number(entry));
    if (p) out.push(p);
  }
  return out;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** `root` and all its descendants, parents before children. */
export function processTree(root: number): ProcInfo[] {
  const all = listProcs();
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const rootInfo = all.find((p) => p.pid === root);
  if (!rootInfo) return [];
  const out: ProcInfo[] = [];
  const queue = [rootInfo];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/** Whether the process recorded as `p` still exists (a zombie counts: nobody has reaped it yet). */
export function alive(p: ProcInfo): boolean {
  const now = readProc(p.pid);
  return !!now && now.start === p.start;
}

/**
 * Kills recorded processes leaves-first and waits (at most `graceMs` each) until its parent has
 * reaped it. Returns what is still there, as notes.
 */
export async function killTree(procs: ProcInfo[], graceMs = 2000): Promise<string[]> {
  const notes: string[] = [];
  for (const p of [...procs].reverse()) {
    if (!alive(p)) continue;
    if (readProc(p.pid)?.state !== "Z") {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        /* gone meanwhile */
      }
    }
    const until = performance.now() + graceMs;
    // Polling /proc: the kernel offers no event for another process's child being reaped.
    while (alive(p) && performance.now() < until) await delay(20);
    if (alive(p)) notes.push(`pid ${p.pid} (${p.comm}) still present, state ${readProc(p.pid)?.state}`);
  }
  return notes;
}

/** Trees of live engines, for the last-resort kill when the harness exits with engines open. */
const liveTrees = new Set<() => ProcInfo[]>();

process.once("exit", () => {
  for (const snapshot of liveTrees) {
    for (const p of snapshot().reverse()) {
      try {
        if (alive(p)) process.kill(p.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
});

/**
 * An up-to-date record of the trees under `roots` (re-read on demand and every 2 s), so that
 * processes that reparent, or whose parents died, are still known at close time.
 */
export function trackTree(roots: () => number[]): { refresh(): ProcInfo[]; stop(): void } {
  const known = new Map<string, ProcInfo>();
  const refresh = () => {
    for (const root of roots()) for (const p of processTree(root)) known.set(`${p.pid}:${p.start}`, p);
    return [...known.values()].filter(alive);
  };
  refresh();
  const timer = setInterval(refresh, 2000);
  timer.unref();
  liveTrees.add(refresh);
  return {
    refresh,
    stop() {
      clearInterval(timer);
      liveTrees.delete(refresh);
    },
  };
}
