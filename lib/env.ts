import path from "node:path";
import { z } from "zod";

/**
 * Environment variables, parsed once per process. Every entry point (web server,
 * scorer, CLIs) reads configuration through here so a bad value fails at start-up
 * with a clear message instead of deep inside a request.
 */
const schema = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(file:|postgres(ql)?:\/\/)/.test(v), {
      message: "must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)",
    }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface the web server binds to. */
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Size of the synthetic dataset `npm start` prepares when none is prepared. */
  SYNTHETIC_COUNT: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  SPLIT_SEED: z.string().min(1).optional(),
});

export type Env = z.infer<typeof schema> & { dataDir: string; databaseUrl: string };

let cached: Env | undefined;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  const databaseUrl = parsed.data.DATABASE_URL ?? `file:${path.join(dataDir, "db.sqlite")}`;
  return { ...parsed.data, dataDir, databaseUrl };
}

export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** Test-only: forget the cached environment after changing process.env. */
export function resetEnvCache(): void {
  cached = undefined;
}
