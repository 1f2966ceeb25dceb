import { afterAll } from "vitest";
import { resetEnvCache } from "../../lib/env";

/**
 * Environment variables for one test file: `setTestEnv` sets them and drops lib/env's cache so the
 * code under test reads them; the afterAll this registers puts process.env back as it was when
 * the file called `setUpTestEnv` (removing what the file added) and drops the cache again, so the
 * next file in the same worker starts clean.
 */
export function setUpTestEnv(): { setTestEnv(vars: Record<string, string>): void } {
  const saved = { ...process.env };
  afterAll(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    resetEnvCache();
  });
  return {
    setTestEnv(vars) {
      Object.assign(process.env, vars);
      resetEnvCache();
    },
  };
}
