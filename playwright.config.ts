import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Every e2e run gets its own instance directory: database, prepared data, uploads.
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `tp-e2e-${process.pid}`);
const port = Number(process.env.E2E_PORT ?? 3210);
// Test workers inherit it: the leak tests compare responses with the instance's hidden labels.
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // The real run command, on a small synthetic dataset so the suite stays quick.
    command: "npm start",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 15 * 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      SYNTHETIC_COUNT: "1500",
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // The e2e organizer (e2e/helpers.ts signs it up); the CNN would only compete for the CPU here.
      ORGANIZER_EMAILS: "organizer@e2e.test",
      // Every account of the suite signs up from 127.0.0.1.
      SIGNUP_PER_CLIENT_PER_HOUR: "100",
      CNN_BASELINE_ON_START: "0",
      // The suite's own build folder, the one tests/http-hardening.test.ts builds into: `npm test`
      // builds the app once for both (ensureNextBuild skips a build whose sources did not change),
      // and never touches the `.next` a developer's own `npm start` serves.
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-test",
    },
  },
});
