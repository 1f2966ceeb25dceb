import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { resetLeaderboardBeforeEach } from "../../test-support/leaderboard/reset-leaderboard-before-each";
import { addEntry, createParticipant } from "../../test-support/leaderboard/leaderboard-fixtures";
import { listSubmissionHashes } from "./list-submission-hashes";

describeEachEngine("listSubmissionHashes", (t) => {
  let datasetId: string;
  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  it("lists the user's own earlier hashes, newest first, once each, without our own failures", async () => {
    const db = t.db;
    const [ann, bob] = await Promise.all(["Ann", "Bob"].map((name) => createParticipant({ db, name })));
    const entry = async (userId: string, hoursAgo: number, sha256: string, extra: object = {}) => {
      const s = await addEntry({
        db,
        datasetId,
        userId,
        createdAt: new Date(Date.now() - hoursAgo * 3_600_000),
        publicMain: 0.5,
        ...extra,
      });
      await db.submission.update({ where: { id: s.id }, data: { sha256 } });
      return s;
    };
    const a = "a".repeat(64),
      b = "b".repeat(64),
      c = "c".repeat(64),
      d = "d".repeat(64);
    await entry(ann.id, 3, a);
    const newerA = await entry(ann.id, 1, a);
    await entry(ann.id, 2, b, { status: "failed", failureKind: "user", publicMain: undefined });
    await entry(ann.id, 2, c, { status: "failed", failureKind: "system", publicMain: undefined });
    await entry(bob.id, 1, d);
    const list = await listSubmissionHashes({ db, userId: ann.id });
    expect(list.map((r) => r.sha256)).toEqual([a, b]);
    expect(list[0].id).toBe(newerA.id);
    expect((await listSubmissionHashes({ db, userId: bob.id })).map((r) => r.sha256)).toEqual([d]);
  });
});
