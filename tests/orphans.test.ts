/**
 * No process of a run outlives the harness, however it ends: killed with SIGKILL mid-run (as an OOM
 * killer or a CI timeout does), its servers and browser are gone within 2 s. Every process of the run
 * inherits a marker in its environment, so that /proc tells which are the run's.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { chromiumMissing } from "../suite/harness/browser.ts";
import { ROOT } from "../suite/files/paths.ts";

/** Pids of live processes whose environment carries `marker`, other than `exclude`. */
function processesWith(marker: string, exclude: number[] = []): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || exclude.includes(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(marker)) {
        // A zombie has been killed and waits for its parent: it holds nothing.
        if (!/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "latin1"))) found.push(pid);
      }
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/** Polls /proc (bounded) until `done` holds; returns whether it did. */
async function pollUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

describe("a harness killed with SIGKILL", () => {
  const browser = chromiumMissing() === undefined;
  test(`leaves no server${browser ? " or browser" : ""} of its run behind after 2 s`, { timeout: 60_000 }, async () => {
    const marker = `SSE_ORPHAN_PROBE=${randomUUID()}`;
    const [name, value] = marker.split("=") as [string, string];
    // idle.* keep their servers 15 s; browser.eventsource starts Chromium where it is installed.
    const only = ["--only", "idle.*", ...(browser ? ["--only", "browser.eventsource"] : [])];
    const harness = spawn(process.execPath, [join(ROOT, "suite", "commands", "run.ts"), "node", ...only], {
      cwd: ROOT,
      env: { ...process.env, [name]: value, SSE_RUNS_DIR: mkdtempSync(join(tmpdir(), "sse-orphans-")) },
      stdio: "ignore",
    });
    const harnessExited = new Promise((resolve) => harness.once("exit", resolve));
    const commandOf = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ");
      } catch {
        return "";
      }
    };
    const running = (what: string) => processesWith(marker, [harness.pid!]).filter((pid) => commandOf(pid).includes(what)).length;
    // The run's two idle servers (and its browser) are up.
    const started = await pollUntil(() => running("runtimes/node.ts") >= 2 && (!browser || running("chromium") >= 1), 20_000);
    const before = processesWith(marker, [harness.pid!]);
    harness.kill("SIGKILL");
    await harnessExited;
    const gone = await pollUntil(() => processesWith(marker).length === 0, 2000);
    const left = processesWith(marker).map((pid) => `${pid} ${commandOf(pid).slice(0, 120)}`);
    for (const pid of processesWith(marker)) process.kill(pid, "SIGKILL");
    expect(started, `the run started ${before.length} processes besides the harness`).toBe(true);
    expect({ gone, left }).toEqual({ gone: true, left: [] });
  });
});
