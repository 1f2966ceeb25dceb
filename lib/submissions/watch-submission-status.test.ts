import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { resetLeaderboardBeforeEach } from "../../test-support/leaderboard/reset-leaderboard-before-each";
import { addEntry, createParticipant } from "../../test-support/leaderboard/leaderboard-fixtures";
import { isAppError } from "../errors/app-error";
import { watchSubmissionStatus } from "./watch-submission-status";

describeEachEngine("watchSubmissionStatus", (t) => {
  let datasetId: string;
  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  it("reports the status and each change, and ends once the submission is done", async () => {
    const db = t.db;
    const ann = await createParticipant({ db, name: "Ann" });
    const s = await addEntry({ db, datasetId, userId: ann.id, createdAt: new Date(), status: "queued" });
    const seen: string[] = [];
    const watching = (async () => {
      for await (const status of watchSubmissionStatus({ db, submissionId: s.id, user: ann, intervalMs: 5 })) {
        seen.push(status);
        if (status === "queued") await db.submission.update({ where: { id: s.id }, data: { status: "running" } });
        if (status === "running") await db.submission.update({ where: { id: s.id }, data: { status: "scored" } });
      }
    })();
    await watching; // ends by itself: "scored" is final
    expect(seen).toEqual(["queued", "running", "scored"]);
  });

  it("stops when the client goes away", async () => {
    const db = t.db;
    const ann = await createParticipant({ db, name: "Ann" });
    const s = await addEntry({ db, datasetId, userId: ann.id, createdAt: new Date(), status: "queued" });
    const abort = new AbortController();
    const seen: string[] = [];
    for await (const status of watchSubmissionStatus({ db, submissionId: s.id, user: ann, signal: abort.signal, intervalMs: 60_000 })) {
      seen.push(status);
      abort.abort(); // the hour-long wait ends at once
    }
    expect(seen).toEqual(["queued"]);
  });

  it("someone else's submission is not found, like a missing one, before any status", async () => {
    const db = t.db;
    const [ann, bob] = await Promise.all(["Ann", "Bob"].map((name) => createParticipant({ db, name })));
    const s = await addEntry({ db, datasetId, userId: ann.id, createdAt: new Date(), status: "queued" });
    for (const submissionId of [s.id, "no-such-id", "../etc"]) {
      const error = await watchSubmissionStatus({ db, submissionId, user: bob })
        .next()
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("not-found");
    }
  });
});
