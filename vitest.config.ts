import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "@": fileURLToPath(new URL(".", import.meta.url)) },
  },
  test: {
    include: ["{lib,server,components,app,scripts,cli,bench}/**/*.test.{ts,tsx}"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The JSON report feeds the "N passed, N failed" line that .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/vitest.json" },
  },
});
