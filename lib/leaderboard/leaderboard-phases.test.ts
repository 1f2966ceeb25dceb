import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { resetLeaderboardBeforeEach } from "../../test-support/leaderboard/reset-leaderboard-before-each";
import { serveBoardPage } from "../../test-support/leaderboard/serve-board-page";
import { appError } from "../../test-support/app-error-of";
import {
  addEntry,
  at,
  createLeaderboardBaseline,
  createParticipant,
  FRESH,
  NOW,
  PUBLIC_BOARD,
} from "../../test-support/leaderboard/leaderboard-fixtures";
import { leaderboardCacheGeneration } from "../http/anonymous-response-cache-generation";
import { updatePhase } from "../phases/update-phase";
import { exportLeaderboard } from "./export-leaderboard";
import { getLeaderboard, parseLeaderboardQuery, type LeaderboardQuery } from "./get-leaderboard";
import { getLeaderboardSnapshot } from "./get-leaderboard-snapshot";

describeEachEngine("leaderboard per phase", (t) => {
  let datasetId: string;
  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  it("shows each phase's own entries with the track's baselines; the current phase by default; ?phase= for another", async () => {
    const db = t.db;
    // at(h) is h hours before NOW.
    const first = await db.phase.create({ data: { name: "Warm-up", startsAt: at(100), endsAt: at(50), dailyLimit: 5 } });
    const second = await db.phase.create({ data: { name: "Final", startsAt: at(50), endsAt: at(-50), dailyLimit: 5 } });
    const [ann, bob] = await Promise.all(["Ann", "Bob"].map((name) => createParticipant({ db, name })));
    const cnn = await createLeaderboardBaseline({ db, title: "Reference CNN" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(80), publicMain: 0.9, privateMain: 0.31, phaseId: first.id });
    await addEntry({ db, datasetId, userId: bob.id, createdAt: at(10), publicMain: 0.7, privateMain: 0.32, phaseId: second.id });
    await addEntry({ db, datasetId, userId: cnn.ownerId, baselineId: cnn.id, createdAt: at(90), publicMain: 0.5 });

    const board = (query: LeaderboardQuery) => getLeaderboard({ db, query, now: NOW, cache: FRESH });
    const current = await board(PUBLIC_BOARD);
    expect(current.phase).toMatchObject({ id: second.id, name: "Final", status: "running" });
    expect(current.rows.map((r) => [r.name, r.metrics.main])).toEqual([
      ["Bob", 0.7],
      ["Reference CNN", 0.5],
    ]);
    expect(current.rows.find((r) => r.name === "Bob")?.submissions).toBe(1);
    expect(current.phases.map((p) => [p.name, p.status, p.isCurrent])).toEqual([
      ["Warm-up", "ended", false],
      ["Final", "running", true],
    ]);
    expect((await appError(board({ ...PUBLIC_BOARD, board: "private" }))).code).toBe("forbidden");

    // The ended warm-up: its own board, revealed (it ended), with the baseline too.
    const warmUp = await board({ ...PUBLIC_BOARD, phase: first.id });
    expect(warmUp).toMatchObject({ privateRevealed: true, phase: { id: first.id, status: "ended" } });
    expect(warmUp.rows.map((r) => r.name)).toEqual(["Ann", "Reference CNN"]);
    expect((await board({ board: "private", sort: "rank", dir: "asc", phase: first.id })).rows.map((r) => r.name)).toEqual([
      "Reference CNN",
      "Ann",
    ]);
    // Its reveal never leaks into the running phase's export.
    const json = await exportLeaderboard({ db, query: PUBLIC_BOARD, format: "json", now: NOW, cache: FRESH });
    expect(json.body).not.toContain("0.32");
    expect(JSON.parse(json.body)).toMatchObject({ phase: { id: second.id }, phases: [{ id: first.id }, { id: second.id }] });

    expect((await appError(board({ ...PUBLIC_BOARD, phase: "no-such-phase" }))).code).toBe("not-found");
    expect(parseLeaderboardQuery(new URLSearchParams(`phase=${first.id}`))).toEqual({ ...PUBLIC_BOARD, phase: first.id });
    expect(() => parseLeaderboardQuery(new URLSearchParams("phase=../x"))).toThrow(/phase must be a phase id/);
  });

  it("by default shows the attributes track's running phase, even beside a generation phase opened at the same instant", async () => {
    const db = t.db;
    const common = { startsAt: at(10), endsAt: at(-50), dailyLimit: 5 };
    const main = await db.phase.create({ data: { ...common, name: "Development phase", track: "attributes" } });
    await db.phase.create({ data: { ...common, name: "Generation development phase", track: "generation" } });
    const ann = await createParticipant({ db, name: "Ann" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: at(5), publicMain: 0.6, phaseId: main.id });
    const board = await getLeaderboard({ db, query: PUBLIC_BOARD, now: NOW, cache: FRESH });
    expect(board.phase).toMatchObject({ id: main.id });
    expect(board.rows.map((r) => r.name)).toEqual(["Ann"]);
  });
});

/**
 * Reveal and hide reach every visitor at once, through the server's own wiring: the anonymous
 * response cache in front (generation = the shared leaderboard snapshot, default freshness) and a
 * stand-in for the page that renders the private board when it may. Before the fix, hiding again
 * left the revealed snapshot (and the cached pages built from it) in use for up to maxAgeMs +
 * staleMs = 5 s.
 */
describeEachEngine("reveal and hide take effect at once", (t) => {
  let datasetId: string;
  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  async function serve(): Promise<(path: string) => Promise<string>> {
    const page = await serveBoardPage({
      db: t.db,
      cache: { paths: ["/leaderboard"], generation: leaderboardCacheGeneration({ db: () => t.db }) },
      line: (lb) => lb.rows.map((r) => `${r.name} ${r.metrics.main}`).join(", "),
    });
    return page.get;
  }

  async function seed() {
    const db = t.db;
    const now = Date.now();
    const phase = await db.phase.create({
      data: { name: "Main", startsAt: new Date(now - 86_400_000), endsAt: new Date(now + 86_400_000), dailyLimit: 5 },
    });
    const ann = await createParticipant({ db, name: "Ann" });
    await addEntry({ db, datasetId, userId: ann.id, createdAt: new Date(now - 60_000), publicMain: 0.8, privateMain: 0.654321 });
    return phase;
  }

  it("the next request after an organizer's hide shows no private score, and after a reveal the private board", async () => {
    const phase = await seed();
    const get = await serve();
    expect(await get("/leaderboard")).toBe("public: Ann 0.8");

    await updatePhase({ db: t.db, phaseId: phase.id, input: { privateRevealed: true } });
    expect(await get("/leaderboard")).toBe("private: Ann 0.654321");
    expect(await get("/leaderboard")).toBe("private: Ann 0.654321");

    await updatePhase({ db: t.db, phaseId: phase.id, input: { privateRevealed: false } });
    const next = await get("/leaderboard");
    expect(next).toBe("public: Ann 0.8");
    expect(next).not.toContain("0.654321");
  });

  it("a hide written by another web process is never served from a stale revealed snapshot", async () => {
    const phase = await seed();
    await t.db.phase.update({ where: { id: phase.id }, data: { privateRevealed: true } });
    const fresh = { maxAgeMs: 50, staleMs: 60_000 };
    const revealed = await getLeaderboardSnapshot({ db: t.db, ...FRESH });
    expect(revealed.snapshot.phaseState.privateRevealed).toBe(true);

    // Written straight to the database: this process's phase-change counter does not move.
    await t.db.phase.update({ where: { id: phase.id }, data: { privateRevealed: false } });
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Past maxAgeMs a snapshot with private scores waits for the check instead of being served stale.
    const after = await getLeaderboardSnapshot({ db: t.db, ...fresh });
    expect(after.snapshot.phaseState.privateRevealed).toBe(false);
    expect(JSON.stringify(after.snapshot.competitors)).not.toContain("0.654321");
  });
});
