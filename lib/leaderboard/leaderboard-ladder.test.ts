import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { resetLeaderboardBeforeEach } from "../../test-support/leaderboard/reset-leaderboard-before-each";
import {
  addEntry,
  at,
  FRESH,
  HOUR,
  NOW,
  PUBLIC_BOARD,
  createLeaderboardBaseline,
  createParticipant,
} from "../../test-support/leaderboard/leaderboard-fixtures";
import { getSubmissionForUser } from "../submissions/get-submission-for-user";
import { listUserSubmissions } from "../submissions/list-user-submissions";
import { exportLeaderboard } from "./export-leaderboard";
import { getLeaderboard } from "./get-leaderboard";

describeEachEngine("leaderboard score policy", (t) => {
  const board = () => getLeaderboard({ db: t.db, query: PUBLIC_BOARD, now: NOW, cache: FRESH });
  let datasetId: string;

  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  const phase = (data: { scoreVisibility?: string; ladderStep?: number; privateRevealed?: boolean } = {}) =>
    t.db.phase.create({ data: { name: "Main", startsAt: at(100), endsAt: new Date(NOW.getTime() + 100 * HOUR), dailyLimit: 5, ...data } });

  it("Ladder: the board and the participant's own pages show the same laddered score, and nothing below the step", async () => {
    const db = t.db;
    await phase({ scoreVisibility: "ladder", ladderStep: 0.01 });
    const [ann, bob] = await Promise.all(["Ann", "Bob"].map((name) => createParticipant({ db, name })));
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    const a1 = await addEntry({ db, datasetId, userId: ann.id, createdAt: at(30), publicMain: 0.5012 });
    const a2 = await addEntry({ db, datasetId, userId: ann.id, createdAt: at(20), publicMain: 0.5087 }); // +0.0075: not shown
    const a3 = await addEntry({ db, datasetId, userId: ann.id, createdAt: at(10), publicMain: 0.5234 }); // shown as 0.52
    const a4 = await addEntry({ db, datasetId, userId: ann.id, createdAt: at(5), publicMain: 0.5291 }); // best exact, not shown
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(8), publicMain: 0.5213 });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(9), publicMain: 0.612345 });

    const lb = await board();
    // Exact scores would put Ann at 0.5291; the Ladder shows 0.52 for both, and the tie goes to
    // Ann's earlier ladder-moving entry (10 h ago) over Bob's (8 h ago).
    expect(lb.rows.map((r) => [r.rank, r.name, r.metrics.main, r.metrics.genderF1, r.bestAt.toISOString()])).toEqual([
      [null, "Reference CNN", 0.61, 0.61, at(9).toISOString()], // references: rounded to the step
      [1, "Ann", 0.52, null, at(10).toISOString()],
      [2, "Bob", 0.52, null, at(8).toISOString()],
    ]);
    // 24 h ago Ann's shown best was 0.50 and Bob had nothing.
    expect(lb.rows.map((r) => r.rankChange)).toEqual([null, 0, "new"]);
    expect(lb.series.participants.find((p) => p.name === "Ann")?.points.map((p) => p.score)).toEqual([0.5, 0.52, 0.52]);

    for (const format of ["json", "csv"] as const) {
      const { body } = await exportLeaderboard({ db, query: PUBLIC_BOARD, format, now: NOW, cache: FRESH });
      for (const exact of ["0.5012", "0.5087", "0.5234", "0.5291", "0.5213", "0.612345"]) expect(body).not.toContain(exact);
    }

    // Her own pages tell the same story, entry by entry.
    const shown = await Promise.all([a1, a2, a3, a4].map((s) => getSubmissionForUser({ db, submissionId: s.id, user: ann, now: NOW })));
    expect(shown.map((s) => [s.publicMain, s.publicScores?.main, s.publicScores?.fresh, s.publicScores?.attributes])).toEqual([
      [0.5, 0.5, true, null],
      [0.5, 0.5, false, null],
      [0.52, 0.52, true, null],
      [0.52, 0.52, false, null],
    ]);
    expect((await listUserSubmissions({ db, userId: ann.id, role: "participant", now: NOW })).map((s) => s.publicMain)).toEqual([
      0.52, 0.52, 0.5, 0.5,
    ]);
    // Organizers see the exact numbers.
    const organizer = await createParticipant({ db, name: "Org", role: "organizer" });
    expect((await getSubmissionForUser({ db, submissionId: a4.id, user: organizer, now: NOW })).publicMain).toBe(0.5291);
  });

  it("rounded (the default): four decimals on the board; exact once the private board is revealed", async () => {
    const db = t.db;
    const p = await phase();
    const ann = await createParticipant({ db, name: "Ann" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(3), publicMain: 0.123456, publicOverrides: { hairColorF1: 0.987654 } });
    let lb = await board();
    expect(lb.rows[0].metrics).toMatchObject({ main: 0.1235, hairColorF1: 0.9877, genderF1: 0.1235 });
    await db.phase.update({ where: { id: p.id }, data: { privateRevealed: true } });
    lb = await board();
    expect(lb.rows[0].metrics).toMatchObject({ main: 0.123456, hairColorF1: 0.987654 });
  });
});
