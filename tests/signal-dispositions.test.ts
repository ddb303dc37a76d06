/**
 * Servers start with the default signal dispositions, whatever the harness inherited: a harness
 * started with SIGINT ignored (a background job of a non-interactive shell, as CI may run it) still
 * starts servers that Ctrl-C reaches, and the results record both. Measured here: the Node harness
 * itself does not keep the inherited SIG_IGN (Node restores the dispositions at startup, SIGPIPE
 * ignored), and its children start with the defaults again (libuv's spawn resets them).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { missingDebianPackages } from "../suite/targets/debian-packages.ts";
import { signalDispositions } from "../suite/harness/signal-dispositions.ts";
import { findBinary } from "../suite/targets/runtime-versions.ts";
import { ROOT } from "../suite/files/paths.ts";

const node = findBinary("node", join(ROOT, "node_modules"))!;

/** The child script run under `trap '' INT`: SIGINT ignored from the start, as a background job has it. */
function withSigintIgnored(target: string) {
  const result = spawnSync("bash", ["-c", `trap '' INT; exec "$0" "$@"`, node, join(ROOT, "tests/testdata/dispositions-child.ts"), target], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

describe("signal dispositions", () => {
  test("are read from /proc: this process catches or ignores what it says", () => {
    const own = signalDispositions(process.pid)!;
    expect(own).toBeDefined();
    expect([...own.ignored, ...own.caught].every((s) => ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGPIPE"].includes(s))).toBe(true);
  });

  test("a harness started with SIGINT ignored starts a server whose SIGINT is not ignored, and records both", () => {
    const { harness, server } = withSigintIgnored("fixture:flawless");
    expect(harness.ignored).not.toContain("SIGINT");
    expect(server.ignored).not.toContain("SIGINT");
    expect(server.caught).toContain("SIGINT");
  }, 60_000);

  test.skipIf(missingDebianPackages(["python3-bottle", "python3-waitress"]).length > 0)(
    "a Python server started so installs its KeyboardInterrupt handler (its listening record says so)",
    () => {
      const { server, listening } = withSigintIgnored("waitress");
      expect(server.ignored).not.toContain("SIGINT");
      expect(listening.sigint).toBe("KeyboardInterrupt");
    },
    60_000,
  );
});
