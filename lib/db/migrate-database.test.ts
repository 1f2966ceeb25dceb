/**
 * The migrations themselves, on an empty database of each engine, through the real CLI.
 * (Other test files get pre-migrated copies from test-support/test-db.ts.)
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, POSTGRES_SKIP_REASON, postgresAvailable, type TestDatabase } from "../../test-support/test-db";
import { ENGINES } from "./engine";
import { migrateDatabase, parseAppliedMigrations } from "./migrate-database";
import { migrationsDir } from "./paths";
import { runPrismaCli } from "./prisma-cli";

const pgUp = await postgresAvailable();

describe("parseAppliedMigrations", () => {
  it("reads the names from migrate deploy's tree", () => {
    const out =
      "The following migration(s) have been applied:\n\nmigrations/\n  └─ 20250101000000_init/\n    └─ migration.sql\n  └─ 20250202000000_add_x/\n    └─ migration.sql\n";
    expect(parseAppliedMigrations(out)).toEqual(["20250101000000_init", "20250202000000_add_x"]);
  });
});

for (const engine of ENGINES) {
  const skip = engine === "postgres" && !pgUp;
  describe.skipIf(skip)(`migrateDatabase [${engine}]${skip ? ` (${POSTGRES_SKIP_REASON})` : ""}`, () => {
    let database: TestDatabase;
    const committed = fs
      .readdirSync(migrationsDir(engine))
      .filter((name) => fs.existsSync(`${migrationsDir(engine)}/${name}/migration.sql`))
      .sort();

    beforeAll(async () => {
      database = await createTestDatabase({ engine, empty: true });
    });
    afterAll(async () => {
      await database?.drop();
    });

    it("applies every committed migration to an empty database", async () => {
      const result = await migrateDatabase({ databaseUrl: database.url });
      expect(result).toMatchObject({ engine, applied: committed, ranCli: true });
      expect(await database.db.user.count()).toBe(0);
    });

    it("is a no-op the second time, answered without the CLI", async () => {
      const result = await migrateDatabase({ databaseUrl: database.url });
      expect(result).toMatchObject({ applied: [], ranCli: false });
    });

    it("is a no-op through `prisma migrate deploy` too", async () => {
      // On SQLite the schema engine needs the file to itself (locking_mode=EXCLUSIVE).
      await database.db.$disconnect();
      const result = await migrateDatabase({ databaseUrl: database.url, forceCli: true });
      expect(result).toMatchObject({ applied: [], ranCli: true });
    });

    it("leaves _prisma_migrations as Prisma expects (migrate status agrees)", async () => {
      const { stdout } = await runPrismaCli({ engine, databaseUrl: database.url, args: ["migrate", "status"] });
      expect(stdout).toMatch(/Database schema is up to date/);
    });
  });
}
