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
import { exportLeaderboard } from "./export-leaderboard";
import { findCompetitorStanding } from "./find-competitor-standing";
import { getCompetitorStanding } from "./get-competitor-standing";
import { getLeaderboardSnapshot } from "./get-leaderboard-snapshot";

describeEachEngine("competitor standing", (t) => {
  let datasetId: string;

  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  it("gives the rank, the gap to the leader and to each baseline, and the page the row is on in any sort", async () => {
    const db = t.db;
    const [ann, bob, cat, dan] = await Promise.all(["Ann", "Bob", "Cat", "Dan"].map((name) => createParticipant({ db, name })));
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    const prior = await createLeaderboardBaseline({ db, title: "Prior" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(10), publicMain: 0.8 });
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(9), publicMain: 0.7, publicOverrides: { genderF1: 0.99 } });
    await addEntry({ db, datasetId, userId: cat.id, createdAt: at(8), publicMain: 0.5 });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(9), publicMain: 0.75 });
    await addEntry({ db, datasetId, userId: prior.ownerId, baselineId: prior.id, createdAt: at(9), publicMain: 0.25 });

    const bobs = await getCompetitorStanding({ db, userId: bob.id, now: NOW, cache: FRESH });
    expect(bobs).toMatchObject({ rank: 2, participantCount: 3, page: 1, main: 0.7, leader: { name: "Ann", main: 0.8 } });
    expect(bobs!.gapToLeader).toBeCloseTo(0.1, 10);
    expect(bobs!.baselines.map((b) => [b.name, b.main, Number(b.gap!.toFixed(10))])).toEqual([
      ["Reference CNN", 0.75, -0.05],
      ["Prior", 0.25, 0.45],
    ]);
    const anns = await getCompetitorStanding({ db, userId: ann.id, now: NOW, cache: FRESH });
    expect(anns).toMatchObject({ rank: 1, gapToLeader: 0 });
    // No scored entry: no standing (and never someone else's).
    expect(await getCompetitorStanding({ db, userId: dan.id, now: NOW, cache: FRESH })).toBeNull();

    // One participant per page: Cat is on page 3 in official order; sorted by gender F1 (Bob's
    // 0.99, Ann's 0.8, Cat's 0.5), Bob moves to page 1 and Ann to page 2...
    const cached = await getLeaderboardSnapshot({ db, now: NOW, ...FRESH });
    const page = (userId: string, sort: "rank" | "genderF1", dir: "asc" | "desc") =>
      findCompetitorStanding({ cached, query: { board: "public", sort, dir }, userId, pageSize: 1 })?.page;
    expect(page(cat.id, "rank", "asc")).toBe(3);
    expect(page(bob.id, "rank", "asc")).toBe(2);
    expect(page(bob.id, "genderF1", "desc")).toBe(1);
    expect(page(ann.id, "genderF1", "desc")).toBe(2);
    // ... and first when the order is reversed: the page follows the sort the viewer looks at.
    expect(page(cat.id, "genderF1", "asc")).toBe(1);
  });

  it("shows the numbers of the score policy, not the exact ones", async () => {
    const db = t.db;
    await db.phase.create({
      data: {
        name: "Main",
        startsAt: at(100),
        endsAt: new Date(NOW.getTime() + 100 * HOUR),
        dailyLimit: 5,
        scoreVisibility: "rounded",
        ladderStep: 0.01,
      },
    });
    const [ann, bob] = await Promise.all(["Ann", "Bob"].map((name) => createParticipant({ db, name })));
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(10), publicMain: 0.81234 });
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(9), publicMain: 0.70987 });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(9), publicMain: 0.612345 });
    const s = await getCompetitorStanding({ db, userId: bob.id, now: NOW, cache: FRESH });
    expect(s).toMatchObject({ rank: 2, main: 0.71, leader: { name: "Ann", main: 0.81 } });
    expect(s!.gapToLeader).toBeCloseTo(0.1, 10);
    expect(s!.baselines[0].main).toBe(0.61);
  });

  it("a team member stands on the team's line, named with its members, even without an entry of their own", async () => {
    const db = t.db;
    const [ann, bob, cat] = await Promise.all(["Ann", "Bob", "Cat"].map((name) => createParticipant({ db, name })));
    const team = await db.team.create({ data: { name: "Pixel Pals", nameKey: "pixel pals", createdById: ann.id } });
    await db.teamMember.create({ data: { teamId: team.id, userId: ann.id, role: "captain", joinedAt: at(20) } });
    await db.teamMember.create({ data: { teamId: team.id, userId: bob.id, joinedAt: at(19) } });
    const entry = await addEntry({ db, datasetId, userId: ann.id, createdAt: at(10), publicMain: 0.7 });
    await db.submission.update({ where: { id: entry.id }, data: { teamId: team.id } });
    await addEntry({ db, datasetId, userId: cat.id, createdAt: at(9), publicMain: 0.9 });

    for (const member of [ann, bob]) {
      const s = await getCompetitorStanding({ db, userId: member.id, now: NOW, cache: FRESH });
      expect(s).toMatchObject({ rank: 2, participantCount: 2, main: 0.7, team: { name: "Pixel Pals", members: ["Ann", "Bob"] } });
    }
    expect(await getCompetitorStanding({ db, userId: cat.id, now: NOW, cache: FRESH })).toMatchObject({ rank: 1, team: null });
  });

  it("never sends the row's owner (a user id) out with the board", async () => {
    const db = t.db;
    const ann = await createParticipant({ db, name: "Ann" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(10), publicMain: 0.8 });
    for (const format of ["json", "csv"] as const) {
      const { body } = await exportLeaderboard({ db, query: PUBLIC_BOARD, format, now: NOW, cache: FRESH });
      expect(body).toContain("Ann");
      expect(body).not.toContain(ann.id);
    }
    // The owner key is there for the server: the standing finds Ann.
    expect((await getCompetitorStanding({ db, userId: ann.id, now: NOW, cache: FRESH }))?.rank).toBe(1);
  });
});
