import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "scorer/**/*.test.ts", "baselines/**/*.test.ts", "scripts/**/*.test.ts", "cli/**/*.test.ts", "tests/**/*.test.ts", "test-support/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
