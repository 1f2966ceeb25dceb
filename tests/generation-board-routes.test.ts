/*
 * The generation board through the real routes (/api/leaderboard?track=generation, its CSV, and
 * the page's loader): lower main score first, one line per competitor, baselines without a rank,
 * images entries flagged, organizers' own entries and other tracks left out, the private board
 * refused before the reveal; the attributes board's URLs unchanged.
 */
import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import type { Db } from "../lib/db/client";
import { createTestUser, registerFixtureDataset } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const jsonRoute = await import("@/app/api/leaderboard/route");
const csvRoute = await import("@/app/api/leaderboard/csv/route");

const fixture = setUpScoringFixture({ count: 60 });
const { setTestEnv } = setUpRouteTest();
beforeAll(() => setTestEnv({ DATA_DIR: fixture.dataDir, BLOB_STORE: "disk" }));

const T0 = Date.now() - 3600_000;

async function entry(
  db: Db,
  o: { userId: string; main: number; kind?: string; minutes: number; baselineId?: string; track?: string; phaseId?: string | null },
) {
  const dataset = await db.dataset.findFirstOrThrow({ where: { isCurrent: true } });
  return db.submission.create({
    data: {
      userId: o.userId,
      datasetId: dataset.id,
      kind: o.kind ?? "generator",
      track: o.track ?? "generation",
      phaseId: o.phaseId === undefined ? "gen" : o.phaseId,
      baselineId: o.baselineId,
      status: "scored",
      createdAt: new Date(T0 + o.minutes * 60_000),
      fileKey: `k/${Math.random()}`,
      fileName: "g.zip",
      fileSize: 1,
      sha256: "x",
      score: {
        create: {
          publicMain: o.main,
          privateMain: o.main + 1,
          durationMs: 1,
          public: { main: o.main, fpd: o.main, kid: 0.5, precision: 0.8, penalty: 1, memorised: false },
          private: { main: o.main + 1 },
        },
      },
    },
  });
}

describeEachEngine("generation board (routes)", (t) => {
  useRouteDb(t);
  beforeAll(() => registerFixtureDataset({ db: t.db, fixture }));
  beforeEach(async () => {
    await t.db.submission.deleteMany();
    await t.db.baseline.deleteMany();
    await t.db.phase.deleteMany();
    const open = { startsAt: new Date(T0 - 3600_000), endsAt: new Date(Date.now() + 86400_000), dailyLimit: 5 };
    await t.db.phase.create({ data: { id: "attr", name: "Attributes", ...open } });
    await t.db.phase.create({ data: { id: "gen", name: "Generation", track: "generation", acceptedKinds: "generator,images", ...open } });
  });

  const getJson = async (query: string) => {
    const res = await jsonRoute.GET(new Request(`http://localhost/api/leaderboard?${query}`));
    return { status: res.status, body: await res.json() };
  };

  it("ranks the lowest main score first, one line per competitor, baselines unranked, images flagged", async () => {
    const alice = await createTestUser({ db: t.db });
    const bob = await createTestUser({ db: t.db });
    const carol = await createTestUser({ db: t.db });
    const organizer = await createTestUser({ db: t.db, role: "organizer" });
    const baseline = await t.db.baseline.create({ data: { name: "pca", title: "=PCA eigenportraits", ownerId: organizer.id } });
    await entry(t.db, { userId: alice.id, main: 50, minutes: 1 });
    await entry(t.db, { userId: alice.id, main: 20, minutes: 2 });
    await entry(t.db, { userId: bob.id, main: 20, minutes: 3, kind: "images" }); // tie: alice was first
    await entry(t.db, { userId: carol.id, main: 5, minutes: 4 });
    await entry(t.db, { userId: organizer.id, main: 1, minutes: 5 }); // a platform check, not a competitor
    await entry(t.db, { userId: organizer.id, main: 30, minutes: 0, baselineId: baseline.id, phaseId: null });
    await entry(t.db, { userId: carol.id, main: 0.1, minutes: 6, track: "attributes", kind: "csv", phaseId: "attr" });

    const { status, body } = await getJson("track=generation");
    expect(status).toBe(200);
    expect(body).toMatchObject({ track: "generation", higherIsBetter: false, board: "public", phase: { id: "gen" } });
    expect(body.rows.map((r: { rank: number | null; name: string; main: number }) => [r.rank, r.name, r.main])).toEqual([
      [1, carol.name, 5],
      [2, alice.name, 20],
      [3, bob.name, 20],
      [null, "=PCA eigenportraits", 30],
    ]);
    expect(body.rows[1]).toMatchObject({ entries: 2, fpd: 20, kid: 0.5, flag: null });
    expect(body.rows[2]).toMatchObject({ kind: "images", flag: expect.stringContaining("cherry-picked") });
    expect(body.rows[3]).toMatchObject({ isBaseline: true });
    expect(body.columns.map((c: { key: string }) => c.key)).toContain("nearCopyShare");

    const csv = await csvRoute.GET(new Request("http://localhost/api/leaderboard/csv?track=generation"));
    expect(csv.headers.get("content-disposition")).toContain("generation-leaderboard-public.csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toMatch(/^rank,name,baseline,kind,flag,memorised,main,fpd,kid,/);
    expect(lines[1]).toMatch(new RegExp(`^1,${carol.name},false,generator,`));
    expect(lines[4]).toMatch(/^,'=PCA eigenportraits,true,/); // the formula guard

    // The attributes board is the default, unchanged: carol's CSV entry only.
    const attributes = await getJson("");
    expect(attributes.status).toBe(200);
    expect(JSON.stringify(attributes.body)).not.toContain(alice.name);
  });

  it("refuses an unknown track and the private board before the reveal; shows it after", async () => {
    expect((await getJson("track=images")).status).toBe(400);
    expect((await getJson("track=generation&board=secret")).status).toBe(400);
    expect((await getJson("track=generation&board=private")).status).toBe(403);
    expect((await getJson("track=generation&phase=nope")).status).toBe(404);

    const dave = await createTestUser({ db: t.db });
    const a = await entry(t.db, { userId: dave.id, main: 10, minutes: 1 });
    await entry(t.db, { userId: dave.id, main: 2, minutes: 2 });
    await t.db.submission.update({ where: { id: a.id }, data: { isFinal: true } });
    await t.db.phase.update({ where: { id: "gen" }, data: { privateRevealed: true } });
    const revealed = await getJson("track=generation&board=private");
    expect(revealed.status).toBe(200);
    // From the final pick (public 10, private 11), not the better unpicked entry.
    expect(revealed.body.rows).toEqual([expect.objectContaining({ rank: 1, main: 11 })]);
  });
});
