// Lint rules that keep the architecture from drifting (docs/decisions/0008-layout-and-guard-rails.md).
// `npm run lint` runs this; `npm test` runs it before the tests.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

/** Top-level parts that use lib/; lib/ may import none of them. */
const OUTER = ["app", "scorer", "baselines", "scripts", "cli", "e2e", "bench", "starter-kit", "tests"];

// The one-way dependency rule, enforced in shipped code and in tests alike.
const LIB_NEVER_IMPORTS_OUTER = {
  target: "./lib",
  from: OUTER.map((dir) => `./${dir}`),
  message: "lib/ is the domain: it never imports from the parts that use it.",
};

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next*/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "bench/out/**",
      "bench/_tmp/**",
      "lib/db/generated/**",
      "next-env.d.ts",
      "**/*.py",
    ],
  },
  ...nextVitals,
  ...nextTs,
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware rules that catch real bugs: a promise nobody awaits loses its error.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "import/no-cycle": ["error", { ignoreExternal: true }],
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            LIB_NEVER_IMPORTS_OUTER,
            {
              // Shipped code never depends on test helpers; tests (anywhere) may.
              target: ["./lib", "./app", "./scorer", "./baselines", "./cli", "./scripts", "./starter-kit"],
              from: "./test-support",
              except: [],
              message: "test-support/ is for tests and benches only.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and their helpers may use test-support/; lib's own tests still may not reach outside lib.
    // scripts/new-migration.ts is a developer tool: it borrows the tests' local PostgreSQL finder.
    files: ["**/*.test.ts", "**/*.test.tsx", "{test-support,bench,e2e,tests}/**/*.{ts,tsx}", "scripts/new-migration.ts"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [LIB_NEVER_IMPORTS_OUTER],
        },
      ],
    },
  },
  {
    // Plain scripts without type information.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
