/**
 * The start every route test file shares. Route tests call the handlers in-process; the file
 * itself still names the mocks (vi.mock is hoisted per file, so it cannot live here):
 *
 *   vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
 *   vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real()));
 *
 *   const { setTestEnv } = setUpRouteTest();
 *   describeEachEngine("…", (t) => {
 *     useRouteDb(t);
 *     it("…", async () => {
 *       const response = await route.POST(new Request(url, jsonInit({ … })), routeParams({ id }));
 *     });
 *   });
 */
import { afterAll, beforeAll, vi } from "vitest";
import type { EngineSuite } from "../test-db";
import { setUpTestEnv } from "../env/set-up-test-env";
import { setRouteDb } from "./route-db";

/**
 * Per test file: the environment helper (process.env put back after the file) and the routes'
 * own log lines kept out of the test output (`console.info` always; `quiet` adds others, e.g.
 * "warn" for routes that warn about a refused request).
 */
export function setUpRouteTest(options: { quiet?: readonly ("warn" | "error")[] } = {}): ReturnType<typeof setUpTestEnv> {
  const testEnv = setUpTestEnv();
  beforeAll(() => {
    for (const level of ["info", ...(options.quiet ?? [])] as const) vi.spyOn(console, level).mockImplementation(() => {});
  });
  return testEnv;
}

/** Per engine suite: the handlers' getDb() answers this suite's database from its first hook on. */
export function useRouteDb(t: EngineSuite): void {
  beforeAll(() => setRouteDb(t.db));
  afterAll(() => setRouteDb(null));
}

/** A request's init with a JSON body, as the handlers read it (POST unless `method` says otherwise). */
export function jsonInit(body: unknown, method = "POST"): RequestInit {
  return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** The second argument Next.js passes a dynamic route's handler: `{ params: Promise<{ id }> }`. */
export function routeParams<P extends Record<string, string>>(params: P): { params: Promise<P> } {
  return { params: Promise.resolve(params) };
}

/** `routeParams({ id })`, the common case. */
export function idParams(id: string): { params: Promise<{ id: string }> } {
  return routeParams({ id });
}
