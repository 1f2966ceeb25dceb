import path from "node:path";
import { defineConfig } from "vitest/config";

/** Every folder that holds tests (e2e/ is Playwright's). */
const ALL = ["lib", "scorer", "baselines", "scripts", "cli", "tests", "test-support"].map((dir) => `${dir}/**/*.test.ts`);

/**
 * Tests that start model sandboxes, train networks, spawn worker processes or build the starter
 * kit: each takes seconds to minutes of CPU. They form their own project so the quick ones can be
 * run alone while working (`npx vitest run --project fast`); `npm test` runs both.
 */
const SLOW = [
  "scorer/sandbox/**/*.test.ts",
  "scorer/worker-processes.test.ts",
  "scorer/score-cli.test.ts",
  "scorer/score-generation-cli.test.ts",
  "scorer/handlers/score-generation.test.ts",
  "lib/ml/**/*.test.ts",
  "baselines/**/*.test.ts",
  "tests/starter-kit/**/*.test.ts",
  "tests/onnx-training/**/*.test.ts",
  "lib/setup/synthetic-round-trip.test.ts",
  "lib/dataset/prepare-dataset*.test.ts",
  "lib/generation/metrics/compute-generation-metrics.test.ts",
  "tests/cli-clients.test.ts",
  "tests/http-hardening.test.ts",
  "tests/winner-verification.test.ts",
  "tests/multi-node.test.ts",
  "tests/organizer-permissions.test.ts",
];

const shared = {
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Server code marks itself with `import "server-only"`, which throws outside Next.js's
      // react-server bundle; tests run that code in plain Node, so they get the package's own
      // empty module (what the react-server condition resolves to) instead of a mock per file.
      "server-only": path.resolve(__dirname, "node_modules/server-only/empty.js"),
    },
  },
};

export default defineConfig({
  ...shared,
  test: {
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: ONE on these two-core machines, so the
    // files ran one after another while most of them wait on databases, child processes and
    // sockets. Two workers: the whole run took 537 s instead of 811 s on the same machine
    // (`npx vitest run --maxWorkers 2` against the default), every file passing; the tests are written to
    // run in parallel (own databases, own folders, pids tracked per test).
    maxWorkers: 2,
    projects: [
      {
        ...shared,
        test: { name: "fast", include: ALL, exclude: SLOW, environment: "node", testTimeout: 120_000, hookTimeout: 120_000, pool: "forks" },
      },
      { ...shared, test: { name: "slow", include: SLOW, environment: "node", testTimeout: 180_000, hookTimeout: 180_000, pool: "forks" } },
    ],
  },
});
