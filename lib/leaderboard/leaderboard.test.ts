import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { resetLeaderboardBeforeEach } from "../../test-support/leaderboard/reset-leaderboard-before-each";
import { isAppError } from "../errors/app-error";
import { exportLeaderboard } from "./export-leaderboard";
import { getLeaderboard, parseLeaderboardQuery, type LeaderboardQuery } from "./get-leaderboard";
import { loadLeaderboardSnapshot } from "./load-leaderboard-snapshot";
import {
  addEntry,
  at,
  FRESH,
  NOW,
  PUBLIC_BOARD,
  createLeaderboardBaseline,
  createLeaderboardDataset,
  placeEntriesInPhases,
  createParticipant,
} from "../../test-support/leaderboard/leaderboard-fixtures";

const q = (over: Partial<LeaderboardQuery> = {}): LeaderboardQuery => ({ ...PUBLIC_BOARD, ...over });

describeEachEngine("leaderboard", (t) => {
  const board = (query: LeaderboardQuery = q(), now = NOW) => getLeaderboard({ db: t.db, query, now, cache: FRESH });
  let datasetId: string;

  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  it("ranks participants by their best public score, ties to the earliest entry, baselines flagged and always shown", async () => {
    const db = t.db;
    const [ann, bob, cat, dan, eve] = await Promise.all(["Ann", "Bob", "Cat", "Dan", "Eve"].map((name) => createParticipant({ db, name })));
    const org = await createParticipant({ db, name: "Organizer testing", role: "organizer" });
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    const prior = await createLeaderboardBaseline({ db, title: "Prior" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(10), publicMain: 0.5 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(5), publicMain: 0.8 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(4), status: "failed", failureKind: "user" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(3), status: "failed", failureKind: "system" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(2), status: "queued" });
    // Same best score as Ann, submitted later: ranks below her.
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(4), publicMain: 0.8 });
    await addEntry({ db, datasetId, userId: cat.id, createdAt: at(6), publicMain: 0.6 });
    // Dan has no scored entry: not listed.
    await addEntry({ db, datasetId, userId: dan.id, createdAt: at(6), status: "failed", failureKind: "user" });
    // Eve's only good entry is on a retired dataset; a disqualified one does not count either.
    const old = await createLeaderboardDataset({ db, isCurrent: false });
    await addEntry({ db, datasetId: old.id, userId: eve.id, createdAt: at(6), publicMain: 0.99 });
    const dq = await addEntry({ db, datasetId, userId: eve.id, createdAt: at(6), publicMain: 0.95 });
    await db.submission.update({ where: { id: dq.id }, data: { disqualifiedAt: at(1) } });
    await addEntry({ db, datasetId, userId: eve.id, createdAt: at(6), publicMain: 0.3 });
    // An organizer's own test entry is not a competitor.
    await addEntry({ db, datasetId, userId: org.id, createdAt: at(6), publicMain: 0.97 });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(9), publicMain: 0.6 });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(8), publicMain: 0.7 });
    await addEntry({ db, datasetId, userId: prior.ownerId, baselineId: prior.id, createdAt: at(9), publicMain: 0.1 });

    const lb = await board();
    expect(lb.rows.map((r) => [r.rank, r.kind, r.name, r.metrics.main])).toEqual([
      [1, "participant", "Ann", 0.8],
      [2, "participant", "Bob", 0.8],
      [null, "baseline", "Reference CNN", 0.7],
      [3, "participant", "Cat", 0.6],
      [4, "participant", "Eve", 0.3],
      [null, "baseline", "Prior", 0.1],
    ]);
    const ann1 = lb.rows[0];
    // Scored + refused because of the file; not the system failure, not the queued one.
    expect(ann1.submissions).toBe(3);
    expect(ann1.bestAt).toEqual(at(5));
    expect(ann1.metrics.hairColorF1).toBeCloseTo(0.8);
    expect(lb.rows[2].submissions).toBe(2);
    expect(JSON.stringify(lb)).not.toContain("@example.test");
    // Baselines stay on the board however they are sorted.
    const byMale = await board(q({ sort: "hairColorF1Male", dir: "desc" }));
    expect(byMale.rows.filter((r) => r.kind === "baseline").map((r) => r.name)).toEqual(["Reference CNN", "Prior"]);
  });

  it("shows the rank change against the board of 24 hours ago, and 'new' for newcomers", async () => {
    const db = t.db;
    const [ann, bob, cat] = await Promise.all(["Ann", "Bob", "Cat"].map((name) => createParticipant({ db, name })));
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(48), publicMain: 0.7 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(30), publicMain: 0.5 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(1), publicMain: 0.8 });
    await addEntry({ db, datasetId, userId: cat.id, createdAt: at(2), publicMain: 0.6 });
    const lb = await board();
    expect(lb.rankChangeBasis).toBe("24h");
    expect(lb.rows.map((r) => [r.name, r.rank, r.rankChange])).toEqual([
      ["Ann", 1, 1],
      ["Bob", 2, -1],
      ["Cat", 3, "new"],
    ]);
  });

  it("sorts by any metric column, missing values last in both directions, ties to the earliest entry", async () => {
    const db = t.db;
    const [a, b, c, d] = await Promise.all(["A", "B", "C", "D"].map((name) => createParticipant({ db, name })));
    // [user, hour, public main, public metric overrides]: A has no male score, C and B tie on hair colour.
    const entries: [typeof a, number, number, Record<string, number | null>][] = [
      [a, 4, 0.9, { hairColorF1: 0.5, male: null }],
      [b, 3, 0.8, { hairColorF1: 0.7, female: 0.9, male: 0.6 }],
      [c, 5, 0.7, { hairColorF1: 0.7, female: 0.6, male: 0.65 }],
      [d, 2, 0.6, { hairColorF1: 0.9, female: 0.5, male: 0.7 }],
    ];
    for (const [user, hour, publicMain, publicOverrides] of entries)
      await addEntry({ db, datasetId, userId: user.id, createdAt: at(hour), publicMain, publicOverrides });
    const names = async (query: Partial<LeaderboardQuery>) => (await board(q(query))).rows.map((r) => r.name);

    expect(await names({ sort: "hairColorF1", dir: "desc" })).toEqual(["D", "C", "B", "A"]); // C and B tie: C's entry is earlier
    expect(await names({ sort: "hairColorF1", dir: "asc" })).toEqual(["A", "C", "B", "D"]);
    expect(await names({ sort: "hairColorF1Male", dir: "desc" })).toEqual(["D", "C", "B", "A"]);
    expect(await names({ sort: "hairColorF1Male", dir: "asc" })).toEqual(["B", "C", "D", "A"]);
    // The gap sorts by its size: C 0.05, D 0.2, B 0.3; A's is missing.
    expect(await names({ sort: "fairnessGap", dir: "asc" })).toEqual(["C", "D", "B", "A"]);
    expect(await names({ sort: "fairnessGap", dir: "desc" })).toEqual(["B", "D", "C", "A"]);
    expect(await names({ sort: "rank", dir: "desc" })).toEqual(["D", "C", "B", "A"]);
    expect(await names({ sort: "bestAt", dir: "asc" })).toEqual(["C", "A", "B", "D"]);
    const lb = await board(q({ sort: "main", dir: "desc" }));
    expect(lb.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(lb.rows[0].metrics.hairColorF1Male).toBeNull();
    expect(lb.rows[0].metrics.fairnessGap).toBeNull();
  });

  it("never lets a private score out before the reveal, then ranks finals (or the best two by public score)", async () => {
    const db = t.db;
    const [ann, bob, cat] = await Promise.all(["Ann", "Bob", "Cat"].map((name) => createParticipant({ db, name })));
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    // Private values no public number can be mistaken for.
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(9), publicMain: 0.9, privateMain: 0.111111 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(8), publicMain: 0.6, privateMain: 0.777777, isFinal: true });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(7), publicMain: 0.5, privateMain: 0.888888 });
    // Bob selected nothing: his best two by public score (0.8, 0.7) compete; 0.4 does not.
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(9), publicMain: 0.8, privateMain: 0.555555 });
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(8), publicMain: 0.7, privateMain: 0.666666 });
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(7), publicMain: 0.4, privateMain: 0.999999 });
    await addEntry({
      db,
      datasetId,
      userId: cat.id,
      createdAt: at(9),
      publicMain: 0.3,
      privateMain: 0.333333,
      privateOverrides: { hairColorF1: 0.444444 },
    });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(9), publicMain: 0.65, privateMain: 0.622222 });
    const secrets = ["0.111111", "0.777777", "0.888888", "0.555555", "0.666666", "0.999999", "0.333333", "0.444444", "0.622222"];
    const leaks = (text: string) => secrets.filter((s) => text.includes(s));

    // A running phase: private hidden.
    const phase = await db.phase.create({ data: { name: "Main", startsAt: at(100), endsAt: at(-100), dailyLimit: 5 } });
    await placeEntriesInPhases({ db });
    const hidden = await board();
    expect(hidden.privateRevealed).toBe(false);
    expect(hidden.phase?.status).toBe("running");
    expect(leaks(JSON.stringify(hidden))).toEqual([]);
    const error = await board(q({ board: "private" })).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("forbidden");
    for (const format of ["json", "csv"] as const) {
      const out = await exportLeaderboard({ db, query: q(), format, now: NOW, cache: FRESH });
      expect(leaks(out.body)).toEqual([]);
    }
    // Not even the web process's in-memory snapshot holds them.
    const snapshot = await loadLeaderboardSnapshot({ db, now: NOW });
    expect(snapshot.competitors.every((c) => c.bestPrivate === null)).toBe(true);
    expect(leaks(JSON.stringify(snapshot))).toEqual([]);

    // The organizer reveals early.
    await db.phase.update({ where: { id: phase.id }, data: { privateRevealed: true } });
    const revealed = await board(q({ board: "private" }));
    expect(revealed.privateRevealed).toBe(true);
    expect(revealed.rankChangeBasis).toBe("public");
    expect(revealed.rows.map((r) => [r.name, r.rank, r.metrics.main, r.publicMain, r.rankChange])).toEqual([
      ["Ann", 1, 0.777777, 0.6, 0], // her selection, not her best public entry
      ["Bob", 2, 0.666666, 0.7, 0],
      ["Reference CNN", null, 0.622222, 0.65, null],
      ["Cat", 3, 0.333333, 0.3, 0],
    ]);
    expect(revealed.rows[3].metrics.hairColorF1).toBeCloseTo(0.444444);

    // Or the phase simply ends.
    await db.phase.update({ where: { id: phase.id }, data: { privateRevealed: false, endsAt: at(1) } });
    const ended = await board(q({ board: "private" }));
    expect(ended.phase?.status).toBe("ended");
    expect(ended.rows[0].name).toBe("Ann");
    // maxFinal 1: Bob's default is his single best public entry (0.8 -> 0.555555).
    await db.phase.update({ where: { id: phase.id }, data: { maxFinal: 1 } });
    const one = await board(q({ board: "private" }));
    expect(one.rows.find((r) => r.name === "Bob")?.metrics.main).toBe(0.555555);
    // More finals flagged than allowed (the limit was lowered): the best by public score count.
    const bobEntries = await db.submission.findMany({ where: { userId: bob.id } });
    await db.submission.updateMany({ where: { id: { in: bobEntries.map((e) => e.id) } }, data: { isFinal: true } });
    const capped = await board(q({ board: "private" }));
    expect(capped.rows.find((r) => r.name === "Bob")?.metrics.main).toBe(0.555555); // not the 0.4-public entry's 0.999999
    await db.phase.update({ where: { id: phase.id }, data: { maxFinal: 3 } });
    const all = await board(q({ board: "private" }));
    expect(all.rows.find((r) => r.name === "Bob")?.metrics.main).toBe(0.999999);
  });

  it("without a phase the board is public only", async () => {
    const ann = await createParticipant({ db: t.db, name: "Ann" });
    await addEntry({ db: t.db, datasetId, userId: ann.id, createdAt: at(1), publicMain: 0.5, privateMain: 0.123456 });
    const lb = await board();
    expect(lb.phase).toBeNull();
    expect(lb.privateRevealed).toBe(false);
    expect(JSON.stringify(lb)).not.toContain("0.123456");
    await expect(board(q({ board: "private" }))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("serves a cached board and shows a new score once the cache is due", async () => {
    const db = t.db;
    const ann = await createParticipant({ db, name: "Ann" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(2), publicMain: 0.5 });
    const cached = { maxAgeMs: 60_000, staleMs: 0 };
    expect((await getLeaderboard({ db, query: q(), now: NOW, cache: cached })).rows).toHaveLength(1);
    const bob = await createParticipant({ db, name: "Bob" });
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(1), publicMain: 0.6 });
    // Within maxAge: the cached board (this is what keeps 200 requests/s cheap).
    expect((await getLeaderboard({ db, query: q(), now: NOW, cache: cached })).rows).toHaveLength(1);
    // Due: the fingerprint changed, the new score is there.
    const lb = await getLeaderboard({ db, query: q(), now: NOW, cache: FRESH });
    expect(lb.rows.map((r) => r.name)).toEqual(["Bob", "Ann"]);
    // A rescore (same submission count) is seen too: the scorer updates the Score and its
    // Submission in one transaction (scorer/handlers/score-submission.ts), as here.
    const annScore = await db.score.findFirstOrThrow({ where: { submission: { userId: ann.id } } });
    await db.$transaction([
      db.score.update({ where: { id: annScore.id }, data: { publicMain: 0.9 } }),
      db.submission.update({ where: { id: annScore.submissionId }, data: { scoredAt: new Date() } }),
    ]);
    expect((await getLeaderboard({ db, query: q(), now: NOW, cache: FRESH })).rows.map((r) => r.name)).toEqual(["Ann", "Bob"]);
  });

  it("draws best-so-far lines for the leaders and baselines as reference levels", async () => {
    const db = t.db;
    const ann = await createParticipant({ db, name: "Ann" });
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(3), publicMain: 0.5 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(2), publicMain: 0.4 });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(1), publicMain: 0.7 });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(5), publicMain: 0.6 });
    const { series } = await board();
    expect(series.participants).toEqual([
      {
        name: "Ann",
        rank: 1,
        points: [
          { t: at(3).getTime(), score: 0.5 },
          { t: at(1).getTime(), score: 0.7 },
          { t: NOW.getTime(), score: 0.7 },
        ],
      },
    ]);
    expect(series.baselines).toEqual([{ name: "Reference CNN", score: 0.6 }]);
    expect(series.start).toBe(at(5).getTime());
  });
});

it("parses the query and refuses bad parameters with a clear message", () => {
  expect(parseLeaderboardQuery(new URLSearchParams(""))).toEqual({ board: "public", sort: "rank", dir: "asc" });
  expect(parseLeaderboardQuery(new URLSearchParams("sort=hairColorF1"))).toEqual({ board: "public", sort: "hairColorF1", dir: "desc" });
  expect(parseLeaderboardQuery({ sort: ["fairnessGap", "main"], dir: "desc", other: "x" })).toEqual({
    board: "public",
    sort: "fairnessGap",
    dir: "desc",
  });
  const error = (() => {
    try {
      parseLeaderboardQuery(new URLSearchParams("sort=shoeSize&dir=up"));
    } catch (e) {
      return e;
    }
  })();
  expect(isAppError(error) && error.code).toBe("validation");
  if (!isAppError(error)) return;
  expect(error.userMessage).toContain("sort must be one of");
  expect(error.details?.map((d) => d.field)).toEqual(["sort", "dir"]);
});

it("pages participants and keeps every baseline on every page, in sort order", async () => {
  const { paginateLeaderboardRows } = await import("./paginate-leaderboard-rows");
  const row = (name: string, kind: "participant" | "baseline") => ({ name, kind }) as import("./types").LeaderboardRow;
  const rows = [
    row("B1", "baseline"),
    row("p1", "participant"),
    row("p2", "participant"),
    row("B2", "baseline"),
    row("p3", "participant"),
    row("p4", "participant"),
    row("p5", "participant"),
    row("B3", "baseline"),
  ];
  const names = (page: number) => paginateLeaderboardRows({ rows, page, pageSize: 2 }).rows.map((r) => r.name);
  expect(names(1)).toEqual(["B1", "p1", "p2", "B2", "B3"]);
  expect(names(2)).toEqual(["B1", "B2", "p3", "p4", "B3"]);
  expect(names(3)).toEqual(["B1", "B2", "p5", "B3"]);
  expect(paginateLeaderboardRows({ rows, page: 99, pageSize: 2 })).toMatchObject({ page: 3, pageCount: 3, participantCount: 5 });
});
