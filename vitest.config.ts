import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Calibration starts real servers; each check bounds its own waits.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxConcurrency: 4,
  },
});
