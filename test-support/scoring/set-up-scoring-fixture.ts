import { afterAll, beforeAll } from "vitest";
import { prepareScoringFixture, type ScoringFixture } from "./scoring-fixture";

/**
 * One scoring fixture for a test file (or a describe block): prepared in a beforeAll, its temp
 * folder removed in an afterAll. Call it at the top of the file or block; the object it returns is
 * filled in once that beforeAll has run, so read it in hooks and tests, not at module level.
 * Vitest runs after-hooks in reverse order, so the folder goes last, after the file's own teardown.
 */
export function setUpScoringFixture(options: { count?: number; seed?: number } = {}): ScoringFixture {
  const fixture = {} as ScoringFixture;
  beforeAll(async () => {
    Object.assign(fixture, await prepareScoringFixture(options));
  });
  afterAll(() => {
    // Absent when the beforeAll failed: nothing was left behind to remove.
    if (typeof fixture.cleanup === "function") fixture.cleanup();
  });
  return fixture;
}
