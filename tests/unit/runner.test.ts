/** How a run schedules its checks: the exclusive ones alone, the rest four at a time, the waiting ones beside them. */
import { describe, expect, test } from "vitest";
import { pass } from "../../suite/model/results.ts";
import { type Check } from "../../suite/harness/check.ts";
import { runChecks } from "../../suite/harness/runner.ts";
import { resolveTarget } from "../../suite/targets/targets.ts";

/** Checks that record how many of them run at once; each holds its place until `release` is called. */
function recordingChecks() {
  let running = 0;
  const seen: { id: string; alongside: number }[] = [];
  const releases: (() => void)[] = [];
  const make = (id: string, extra: Partial<Check> = {}): Check => ({
    id,
    group: "A",
    kind: "outcome",
    passes: "a unit test's check",
    bounds: {},
    calibration: {},
    timeoutMs: 1000,
    needs: [],
    async run() {
      running++;
      seen.push({ id, alongside: running - 1 });
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      return pass("ran");
    },
    ...extra,
  });
  /** Lets every check now running finish, until all have run. */
  const drain = async (done: Promise<unknown>) => {
    let finished = false;
    done.then(() => (finished = true));
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.splice(0).forEach((release) => release());
    }
  };
  return { make, seen, drain };
}

const target = resolveTarget("node");

describe("a run's schedule", () => {
  test("runs an exclusive check with nothing beside it, before the others", async () => {
    const { make, seen, drain } = recordingChecks();
    const checks = [make("a"), make("alone", { exclusive: true }), make("b"), make("c")];
    const done = runChecks(target, checks);
    await drain(done);
    expect(seen[0]).toEqual({ id: "alone", alongside: 0 });
  });

  test("runs at most four checks at once", async () => {
    const { make, seen, drain } = recordingChecks();
    const done = runChecks(target, Array.from({ length: 9 }, (_, i) => make(`c${i}`)));
    await drain(done);
    expect(Math.max(...seen.map((s) => s.alongside))).toBe(3);
  });

  test("runs the checks that only wait beside the four, not in their place", async () => {
    const { make, seen, drain } = recordingChecks();
    const checks = [make("w1", { waits: true }), make("w2", { waits: true }), ...Array.from({ length: 6 }, (_, i) => make(`c${i}`))];
    const done = runChecks(target, checks);
    await drain(done);
    // Both waiting checks and four others at once: six running, five beside each of them.
    expect(Math.max(...seen.map((s) => s.alongside))).toBe(5);
    expect(seen.filter((s) => s.id.startsWith("w")).map((s) => s.alongside)).toEqual([0, 1]);
  });

  test("returns the results in the order of the checks given, whatever order they ran in", async () => {
    const { make, drain } = recordingChecks();
    const checks = [make("z"), make("y", { exclusive: true }), make("x", { waits: true })];
    const done = runChecks(target, checks);
    await drain(done);
    expect((await done).map((r) => r.id)).toEqual(["z", "y", "x"]);
  });
});
