/** A matrix run's progress line (suite/versions/progress.ts). */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { duration, MatrixProgress } from "../../suite/versions/progress.ts";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

test("before any check has finished there is no estimate", () => {
  const progress = new MatrixProgress(3, 10);
  progress.startVersion(1);
  expect(progress.label()).toBe("[version 1/3 · check 0/10 · 0 s elapsed]");
});

test("within the first version the estimate follows the checks' pace", () => {
  const progress = new MatrixProgress(3, 10);
  progress.startVersion(1);
  vi.advanceTimersByTime(20_000);
  progress.checkDone();
  progress.checkDone();
  // 10 s a check: 80 s left of this version, 100 s for each of the two after it.
  expect(progress.label()).toBe("[version 1/3 · check 2/10 · 20 s elapsed · ~4 min 40 s left]");
});

test("after a version the estimate is the mean wall time of the versions run", () => {
  const progress = new MatrixProgress(3, 10);
  progress.startVersion(1);
  vi.advanceTimersByTime(60_000);
  progress.endVersion();
  progress.startVersion(2);
  vi.advanceTimersByTime(15_000);
  expect(progress.label()).toBe("[version 2/3 · check 0/10 · 1 min 15 s elapsed · ~1 min 45 s left]");
});

test("a version taken from earlier results costs no time in the estimate", () => {
  const progress = new MatrixProgress(2, 10);
  progress.skipVersion(1);
  progress.startVersion(2);
  expect(progress.label()).toBe("[version 2/2 · check 0/10 · 0 s elapsed]");
});

test("durations read as seconds, minutes or hours", () => {
  expect([duration(4_400), duration(125_000), duration(3_725_000)]).toEqual(["4 s", "2 min 5 s", "1 h 2 min"]);
});
