/**
 * Prisma CLI configuration for SQLite. Pass it explicitly (`prisma <command> --config
 * prisma/sqlite/prisma.config.ts`): without a config, or with the classic engine, the 6.x
 * CLI tries to download engine binaries, and these machines are offline.
 * `engine: "js"` runs the schema engine as WebAssembly through the driver adapter below.
 */
import { defineConfig } from "prisma/config";
import { sqliteAdapterFactory } from "../../lib/db/adapters";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // Paths are relative to this file.
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  // Lazy: `prisma generate` loads this file but never connects.
  adapter: async () => sqliteAdapterFactory(urlFromEnvironment()),
});

function urlFromEnvironment(): string {
  const url = process.env.DATABASE_URL;
  if (!url || !url.startsWith("file:")) {
    throw new Error(`prisma/sqlite/prisma.config.ts needs DATABASE_URL=file:<path>, got ${url ? "another engine's url" : "nothing"}`);
  }
  return url;
}
