import { expect, it, vi } from "vitest";
import { serveBoardPage } from "../../test-support/leaderboard/serve-board-page";
import { describeEachEngine } from "../../test-support/test-db";
import { resetLeaderboardBeforeEach } from "../../test-support/leaderboard/reset-leaderboard-before-each";
import { addEntry, createParticipant } from "../../test-support/leaderboard/leaderboard-fixtures";
import { leaderboardCacheGeneration } from "./anonymous-response-cache-generation";

/**
 * The cache as scripts/serve-web.ts wires it, in front of a stand-in for the leaderboard page that
 * renders as the page does (the shared snapshot cache with its default freshness; the private
 * board asked for before the reveal shows the public one). A reveal or a new score must reach
 * visitors as soon as the snapshot knows it, and once one answer shows the revealed board no
 * cached answer may still show the old one.
 */
describeEachEngine("anonymous response cache and the leaderboard snapshot", (t) => {
  let datasetId: string;

  resetLeaderboardBeforeEach(t, (id) => (datasetId = id));

  async function serve() {
    const page = await serveBoardPage({
      db: t.db,
      cache: {
        paths: ["/", "/leaderboard"],
        // Only a change of generation can empty it within the test.
        ttlMs: 600_000,
        // Asks the database on every request (the server uses 250 ms): the test waits for no clock.
        generation: leaderboardCacheGeneration({ db: () => t.db, maxAgeMs: 0 }),
      },
      line: (lb) => lb.rows.map((r) => r.name).join(", "),
    });
    return page;
  }

  it("shows visitors the revealed private board as soon as the snapshot has it, on every cached page at once", async () => {
    const db = t.db;
    const now = Date.now();
    await db.phase.create({
      data: { name: "Main", startsAt: new Date(now - 86_400_000), endsAt: new Date(now + 86_400_000), dailyLimit: 5 },
    });
    const [ann, bob] = await Promise.all(["Ann", "Bob"].map((name) => createParticipant({ db, name })));
    // Ann leads in public, Bob in private: the board's order says which one a page shows.
    for (const [user, minutesAgo, publicMain, privateMain] of [
      [ann, 60, 0.8, 0.6],
      [bob, 58, 0.7, 0.9],
    ] as const)
      await addEntry({
        db,
        datasetId,
        userId: user.id,
        createdAt: new Date(now - minutesAgo * 60_000),
        publicMain,
        privateMain,
        isFinal: true,
      });
    const site = await serve();

    expect(await site.get("/leaderboard")).toBe("public: Ann, Bob");
    expect(await site.get("/")).toBe("public: Ann, Bob");
    expect(await site.get("/leaderboard")).toBe("public: Ann, Bob");
    expect(site.renders()).toBe(2);

    await db.phase.updateMany({ data: { privateRevealed: true } });
    // The first answers may still come from the old snapshot while it reloads in the background...
    await vi.waitFor(async () => expect(await site.get("/leaderboard")).toBe("private: Bob, Ann"), { timeout: 10_000, interval: 20 });
    // ... but from then on no cached page shows the public board, not even one cached before.
    expect(await site.get("/")).toBe("private: Bob, Ann");
    expect(await site.get("/leaderboard")).toBe("private: Bob, Ann");

    // A new score empties the cache the same way.
    const cat = await createParticipant({ db, name: "Cat" });
    await addEntry({ db, datasetId, userId: cat.id, createdAt: new Date(), publicMain: 0.5, privateMain: 0.95, isFinal: true });
    await vi.waitFor(async () => expect(await site.get("/")).toBe("private: Cat, Bob, Ann"), { timeout: 10_000, interval: 20 });
    expect(await site.get("/leaderboard")).toBe("private: Cat, Bob, Ann");
  });
});
