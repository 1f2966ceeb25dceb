import { beforeEach } from "vitest";
import type { EngineSuite } from "../test-db";
import { resetLeaderboardData } from "./leaderboard-fixtures";

/**
 * Per engine suite: empty leaderboard tables and a new current dataset before each test, so each
 * test ranks only the entries it adds. `onReset` gets the new dataset's id:
 *
 *   let datasetId: string;
 *   resetLeaderboardBeforeEach(t, (id) => (datasetId = id));
 */
export function resetLeaderboardBeforeEach(t: EngineSuite, onReset: (datasetId: string) => void): void {
  beforeEach(async () => {
    onReset((await resetLeaderboardData({ db: t.db })).id);
  });
}
