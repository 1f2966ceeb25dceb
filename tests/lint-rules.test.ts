import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The layering rules of eslint.config.mjs (docs/decisions/0008-layout-and-guard-rails.md) catch
 * what they are meant to: each case lints a probe file placed (virtually) in one folder.
 */
const root = path.resolve(__dirname, "..");

async function restrictedPathErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    // The probe files do not exist on disk, so no type information; only the layering rule runs.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === "import/no-restricted-paths",
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("layering rules", () => {
  it("fail on lib/ importing the scorer, app, a CLI or a test helper", async () => {
    for (const target of ["@/scorer/worker", "../../app/api/health/route", "@/cli/users", "../../test-support/test-db"]) {
      const errors = await restrictedPathErrors("lib/queue/probe.ts", `import * as x from "${target}";\nexport const y = x;\n`);
      expect(errors, target).toHaveLength(1);
      expect(errors[0]).toMatch(/no-restricted-paths/);
    }
  });

  it("fail on shipped code importing test-support, but not on tests", async () => {
    expect(
      await restrictedPathErrors(
        "scorer/probe.ts",
        `import { createTestDatabase } from "../test-support/test-db";\nexport const y = createTestDatabase;\n`,
      ),
    ).toHaveLength(1);
    expect(
      await restrictedPathErrors(
        "lib/queue/probe.test.ts",
        `import { createTestDatabase } from "../../test-support/test-db";\nexport const y = createTestDatabase;\n`,
      ),
    ).toEqual([]);
  });

  it("let the outer folders use lib/", async () => {
    for (const file of ["scorer/probe.ts", "app/probe.ts", "cli/probe.ts", "baselines/probe.ts"]) {
      const depth = file.split("/").length - 1;
      const up = "../".repeat(depth);
      expect(await restrictedPathErrors(file, `import { env } from "${up}lib/env";\nexport const y = env;\n`), file).toEqual([]);
    }
  });
});
