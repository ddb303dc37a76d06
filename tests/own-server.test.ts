/**
 * A server outside the repository, as the README shows it: a target file next to the user's own code
 * (examples/own-server/, copied to a temporary directory outside the checkout), run by
 * `./run-test.sh target.json` typed in that directory; and the same server, started by hand, measured
 * as a black box with `url:`.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { freePort, untilPortAccepts } from "../suite/harness/server-process.ts";
import { ROOT } from "../suite/files/paths.ts";
import { withTimeout } from "../suite/harness/wait.ts";
import { runPath } from "../suite/files/layout.ts";
import { readRun } from "../suite/files/run-files.ts";
import { ALL_CHECKS } from "../suite/checks/registry.ts";

const home = mkdtempSync(join(tmpdir(), "own-server-"));
for (const file of ["server.py", "target.json"]) copyFileSync(join(ROOT, "examples/own-server", file), join(home, file));
const runs = join(home, "runs");
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** run-test.sh as a user types it in `cwd`; the environment as a user's (no vitest variables). */
function runTest(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST.*|TEST|NODE_ENV|SSE_CALLER_DIR)$/.test(k)));
  const result = spawnSync(join(ROOT, "run-test.sh"), args, { cwd, env: { ...env, SSE_RUNS_DIR: runs }, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const statusOf = (stdout: string, id: string) => new RegExp(`^  (\\w+)\\s+${id.replace(/[.[\]]/g, "\\$&")}\\s`, "m").exec(stdout)?.[1];

describe("a server outside the repository", () => {
  test("its target file, given by a path relative to the user's directory, runs every check the contract allows", () => {
    expect(home.startsWith(ROOT)).toBe(false);
    const { stdout, stderr, code } = runTest(["target.json"], home);
    expect(stderr).toBe("");
    expect(stdout).toContain(`sse-compat: ${ALL_CHECKS.length} checks on own-server (python, http.server (ThreadingHTTPServer), none)`);
    expect(statusOf(stdout, "protocol.headers")).toBe("pass");
    expect(statusOf(stdout, "protocol.retry")).toBe("pass");
    expect(statusOf(stdout, "protocol.no-transform")).toBe("pass");
    expect(statusOf(stdout, "sigint.idle")).toBe("pass");
    // Its own events, every second as its file states: flushed one by one, to two streams at once.
    expect(statusOf(stdout, "flush.per-event")).toBe("pass");
    expect(statusOf(stdout, "concurrency.two")).toBe("pass");
    expect(statusOf(stdout, "disconnect.cancel")).toBe("skip");
    expect(stdout).toMatch(/needs records \(observation records on stdout.*which own-server does not offer/);
    expect(stdout).toMatch(new RegExp(`^6 passed, 0 failed, ${ALL_CHECKS.length - 6} skipped$`, "m"));
    expect(code).toBe(0);
    const results = readRun(runPath(runs, "own-server"));
    expect(results.run.targetFile).toBe(join(home, "target.json"));
    expect(results.run.offers).toEqual(["process"]);
  }, 150_000);

  test("the same server, already running, is measured as a black box with url:", async () => {
    const port = await freePort();
    const server = spawn("python3", ["server.py"], { cwd: home, env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    try {
      await withTimeout(untilPortAccepts(port), 10_000, "the hand-started server's port");
      const { stdout, code } = runTest([`url:http://127.0.0.1:${port}/events`, "--only", "protocol.*", "--only", "sigint.idle", "--only", "flush.per-event"], home);
      expect(statusOf(stdout, "protocol.headers")).toBe("pass");
      expect(statusOf(stdout, "protocol.retry")).toBe("pass");
      expect(statusOf(stdout, "sigint.idle")).toBe("skip");
      expect(stdout).toMatch(/needs process \(the suite starts the server's process/);
      expect(statusOf(stdout, "flush.per-event")).toBe("skip");
      expect(stdout).toMatch(/needs the cadence of the server's own events/);
      expect(code).toBe(0);
      expect(server.exitCode, "the suite never signals a server it did not start").toBeNull();
    } finally {
      server.kill("SIGKILL");
    }
  }, 150_000);
});

test("the example's files are where the README says", () => {
  expect(existsSync(join(ROOT, "examples/own-server/target.json"))).toBe(true);
});
