/**
 * How a browser (and everything it starts) is kept from outliving the harness, by the kernel:
 *
 * - `setpriv --pdeathsig SIGKILL`: the browser's launcher is killed the moment its parent, the
 *   harness, dies, however it dies (SIGKILL included), even while the browser is still starting and
 *   before anything could be told its pid.
 * - `unshare --pid --fork --kill-child` (root only): the browser is PID 1 of a PID namespace of its
 *   own, so when it exits or is killed, the kernel kills and reaps everything it left inside; nothing
 *   is orphaned to the machine's PID 1 (Firefox leaves its forkserver's children on every close).
 *
 * Both are util-linux, on every Debian. SSE_ENGINE_PIDNS=0 turns the namespace off (processes.ts
 * still cleans up what is left).
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SETPRIV = "/usr/bin/setpriv";
const UNSHARE = "/usr/bin/unshare";
const UNSHARE_ARGS = ["--pid", "--fork", "--kill-child"];

let namespaces: Promise<boolean> | undefined;

/** Whether `unshare --pid` works here (tried once, bounded). */
function canUsePidNamespace(): Promise<boolean> {
  if (process.env.SSE_ENGINE_PIDNS === "0" || !existsSync(UNSHARE)) return Promise.resolve(false);
  namespaces ??= new Promise<boolean>((resolve) => {
    const child = spawn(UNSHARE, [...UNSHARE_ARGS, "/bin/true"], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("error", () => resolve(false));
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
  return namespaces;
}

/**
 * The argv that runs `argv` fenced; `inNamespace` says whether it is PID 1 of a namespace of its own
 * (`namespace: false` for a process that leaves no children, such as Xvfb).
 */
export async function fenced(argv: string[], options: { namespace?: boolean } = {}): Promise<{ argv: string[]; inNamespace: boolean }> {
  const inNamespace = (options.namespace ?? true) && (await canUsePidNamespace());
  const deathSignal = existsSync(SETPRIV) ? [SETPRIV, "--pdeathsig", "SIGKILL", "--"] : [];
  return { argv: [...deathSignal, ...(inNamespace ? [UNSHARE, ...UNSHARE_ARGS] : []), ...argv], inNamespace };
}

/**
 * A script in `dir` that execs `binary` fenced, for libraries that spawn the browser themselves
 * (playwright-core, puppeteer-core take an executable path, not an argv).
 */
export async function fencedExecutable(dir: string, binary: string): Promise<string> {
  const { argv } = await fenced([binary]);
  const path = join(dir, `${binary.split("/").pop()}-fenced`);
  writeFileSync(path, `#!/bin/sh\nexec ${argv.map((a) => JSON.stringify(a)).join(" ")} "$@"\n`, { mode: 0o755 });
  return path;
}
