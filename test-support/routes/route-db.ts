/**
 * Route tests call the handlers in-process, and handlers reach the database through
 * lib/db/client's getDb(). This module stands in for it: the real module, except that getDb()
 * returns whichever test database the test chose with `setRouteDb`.
 *
 *   vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real()));
 *   import { setRouteDb } from "../test-support/routes/route-db";
 */
import type { Db } from "../../lib/db/client";

let current: Db | null = null;

export function setRouteDb(db: Db | null): void {
  current = db;
}

export function withRouteDb<T extends object>(real: T): T & { getDb(): Db } {
  return {
    ...real,
    getDb: () => {
      if (!current) throw new Error("route test: no database chosen yet (setRouteDb)");
      return current;
    },
  };
}
