/**
 * Test files' databases: describeEachEngine runs a vitest suite on SQLite and, when reachable,
 * PostgreSQL, each with its own fresh database from createTestDatabase
 * (test-support/create-test-database.ts, re-exported here for the tests that call it directly).
 */
import { afterAll, beforeAll, describe } from "vitest";
import type { Db } from "../lib/db/client";
import { ENGINES, type Engine } from "../lib/db/engine";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "./create-test-database";

export * from "./create-test-database";

// ---------------------------------------------------------------------------------------
// vitest helper
// ---------------------------------------------------------------------------------------

export interface EngineSuite {
  readonly engine: Engine;
  /** The suite's database client; available from the suite's own beforeAll hooks on. */
  readonly db: Db;
  readonly url: string;
}

export const POSTGRES_SKIP_REASON = "PostgreSQL not reachable on 127.0.0.1:5432 (set TEST_POSTGRES_URL or start it)";

/**
 * Runs one vitest suite on every engine, each with its own fresh database:
 *
 *   describeEachEngine("create-submission", (t) => {
 *     it("stores the file", async () => {
 *       const user = await t.db.user.create({ data: { ... } });
 *     });
 *   });
 *
 * SQLite always runs. PostgreSQL runs when the local server is reachable; otherwise its
 * tests are reported as skipped with the reason (not silently dropped), so a green run
 * without PostgreSQL is visibly a partial one.
 */
export function describeEachEngine(name: string, fn: (suite: EngineSuite) => void): void {
  for (const engine of ENGINES) {
    // An async suite factory: vitest awaits it while collecting, so whether PostgreSQL is
    // reachable is known before any hook runs and its tests can be registered as skipped.
    describe(`${name} [${engine}]`, async () => {
      if (engine === "postgres" && !(await postgresAvailable())) {
        warnOnce(POSTGRES_SKIP_REASON);
        describe.skip(`skipped: ${POSTGRES_SKIP_REASON}`, () => fn(unavailableSuite(engine)));
        return;
      }
      defineSuite(engine, fn);
    });
  }
}

function defineSuite(engine: Engine, fn: (suite: EngineSuite) => void): void {
  let database: TestDatabase | undefined;
  // Registered before fn() runs, so the database exists in the suite's own hooks.
  beforeAll(async () => {
    database = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    await database?.drop();
  });
  const ready = (): TestDatabase => {
    if (database) return database;
    throw new Error(`The ${engine} test database is not ready yet: use suite.db inside hooks and tests, not while defining the suite`);
  };
  fn({
    engine,
    get db() {
      return ready().db;
    },
    get url() {
      return ready().url;
    },
  });
}

function unavailableSuite(engine: Engine): EngineSuite {
  const fail = (): never => {
    throw new Error(POSTGRES_SKIP_REASON);
  };
  return {
    engine,
    get db() {
      return fail();
    },
    get url() {
      return fail();
    },
  };
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(`[describeEachEngine] ${message}: PostgreSQL suites are skipped`);
}
