/**
 * A server outside the repository, as the README shows it: a target file next to the user's own code
 * (examples/own-server/, copied to a temporary directory outside the checkout), run by
 * `./run-test.sh target.json` typed in that directory; and the same server, started by hand, measured
 * as a black box with `url:`.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * The example listens from its constructor, so the suite's signal can come before its serve loop: with
 * every listen() slowed by 50 ms (tests/testdata/slow_listen.py) a server whose handlers come after the
 * socket loses that race in every start (30 of 30 before the handlers moved).
 */
describe("the example, its listen() slowed by 50 ms", () => {
  const slow = join(home, "slow-listen");
  mkdirSync(slow);
  copyFileSync(join(ROOT, "examples/own-server/server.py"), join(slow, "server.py"));
  copyFileSync(join(ROOT, "tests/testdata/slow_listen.py"), join(slow, "slow_listen.py"));
  const target = JSON.parse(readFileSync(join(ROOT, "examples/own-server/target.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(slow, "target.json"), JSON.stringify({ ...target, name: "own-server-slow-listen", command: ["python3", "slow_listen.py", "server.py"] }));

  test("passes sigint.idle: every one of its starts exits 0 on a SIGINT as soon as its port accepts", () => {
    const { stdout, code } = runTest(["target.json", "--only", "sigint.idle"], slow);
    expect(statusOf(stdout, "sigint.idle"), stdout).toBe("pass");
    expect(code).toBe(0);
  }, 150_000);

  test("exits 0 with nothing on stderr on a SIGTERM as soon as its port accepts", async () => {
    for (let i = 0; i < 5; i++) {
      const port = await freePort();
      const server = spawn("python3", ["slow_listen.py", "server.py"], { cwd: slow, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      server.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
      try {
        await withTimeout(untilPortAccepts(port), 10_000, "the slowed server's port");
        server.kill("SIGTERM");
        const exit = await withTimeout(exited, 10_000, "the slowed server's exit");
        expect({ ...exit, stderr }, `start ${i + 1}`).toEqual({ code: 0, signal: null, stderr: "" });
      } finally {
        server.kill("SIGKILL");
      }
    }
  }, 60_000);
});

test("the example's files are where the README says", () => {
  expect(existsSync(join(ROOT, "examples/own-server/target.json"))).toBe(true);
});
