import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "web/**/*.test.ts"],
    testTimeout: 60_000,
    // CLI test files build their fixtures (simulate, train) in beforeAll hooks by spawning the
    // built CLI; on a busy machine that exceeds vitest's 10 s default, so hooks get the tests' budget.
    hookTimeout: 120_000,
    pool: "forks",
    // Node 20 ships relaxed SIMD behind a flag; enable it so the tests cover all three kernel paths.
    poolOptions: { forks: { execArgv: ["--experimental-wasm-relaxed-simd"] } },
  },
});
