/**
 * Prisma CLI configuration for PostgreSQL. Pass it explicitly (`prisma <command> --config
 * prisma/postgres/prisma.config.ts`): without a config, or with the classic engine, the 6.x
 * CLI tries to download engine binaries, and these machines are offline.
 * `engine: "js"` runs the schema engine as WebAssembly through the driver adapter below,
 * which carries the fixes adapter-pg 6.x needs for migrations (see lib/db/adapters.ts).
 */
import { defineConfig } from "prisma/config";
import { pgAdapterFactory } from "../../lib/db/adapters";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // Paths are relative to this file.
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  // Lazy: `prisma generate` loads this file but never connects.
  adapter: async () => pgAdapterFactory(urlFromEnvironment(), { max: 2, allowExitOnIdle: true }),
});

function urlFromEnvironment(): string {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      `prisma/postgres/prisma.config.ts needs DATABASE_URL=postgresql://..., got ${url ? "another engine's url" : "nothing"}`,
    );
  }
  return url;
}
