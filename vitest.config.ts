import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Calibration and expectations start real servers and time them: one test file at a time, so
    // that their timing checks do not compete with each other for the machine's two cores.
    fileParallelism: false,
    // Each check bounds its own waits; these bound a whole test (a target's full suite).
    testTimeout: 300_000,
    hookTimeout: 60_000,
    maxConcurrency: 4,
  },
});
