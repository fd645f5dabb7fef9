import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Node 20 ships relaxed SIMD behind a flag; enable it so the tests cover all three kernel paths.
    poolOptions: { forks: { execArgv: ["--experimental-wasm-relaxed-simd"] } },
  },
});
