/*
 * Issue 9, break 2: the submission detail was a label oracle. One crafted CSV (everyone
 * `female,black,wavy`; image 1 `male`; images 2-5 one of each other hair colour) read those
 * images' hidden labels straight out of the public confusion matrices, and an empty column said
 * an image was private.
 *
 * Here the attack is played through the real upload route, the real scoring worker and the
 * participant's own API (detail and list) and page data (getSubmissionForUser, what the page
 * renders), in two worlds whose hidden labels differ exactly where the attack looks: image 1's
 * gender and images 2-5's hair colours are swapped (class totals unchanged). The organizer's
 * exact view proves the two worlds' confusion matrices differ the way the attack reads them;
 * under the Ladder, everything the participant receives is identical, so it learns nothing.
 * Under the default rounding, no per-class number or confusion matrix reaches them.
 * The session is mocked; database, blob store, queue, worker and scoring are real.
 */
import fs from "node:fs";
import { beforeAll, expect, it, vi } from "vitest";
import { CLASSES, NA, SUBMISSION_CSV_HEADER } from "../lib/challenge/definition";
import { buildPaths } from "../lib/dataset/layout";
import { exportLeaderboard } from "../lib/leaderboard/export-leaderboard";
import { getSubmissionForUser } from "../lib/submissions/get-submission-for-user";
import { acceptTerms } from "../lib/terms/accept-terms";
import { startWorker } from "../scorer/worker";
import { createTestUser, registerFixtureDataset, type ScoringFixture } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { session } from "../test-support/auth/fake-current-user";
import { setUpTestEnv } from "../test-support/env/set-up-test-env";
import { setRouteDb } from "../test-support/routes/route-db";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const uploadRoute = await import("@/app/api/submissions/route");
const detailRoute = await import("@/app/api/submissions/[id]/route");

// 2,000 images: 200 public, of which 3 bald and 7 gray. One correct guess of a class that rare
// moves macro-F1 a lot (here the whole probe, all five guesses right, moves the main score by
// 0.065), so the step is set above that, as an organizer sets it against their split's rarest
// class (on the real data's ~13,000 public images such a probe moves it by well under 0.01).
const COUNT = 2000;
const LADDER_STEP = 0.1;
const worlds = { a: setUpScoringFixture({ count: COUNT }), b: setUpScoringFixture({ count: COUNT }) };
let crafted: string;
let constant: string;
let image1: string;
let imageX: string;
let images2to5: string[];
const { setTestEnv } = setUpTestEnv();

beforeAll(() => {
  expect(worlds.b.testIds).toEqual(worlds.a.testIds);
  const labels = worlds.a.labels;
  const pub = labels.filter((l) => l.Split === "public");
  // The attacker's picks (here: public ones, the case where the old detail gave labels away).
  const img1 = pub.find((l) => l.Gender === "male")!;
  // Swapped with image 1 in world B, so the gender totals stay the same.
  const x = pub.find((l) => l.Gender === "female" && l !== img1)!;
  const colours = pub.filter((l) => l !== img1 && l !== x && l.Hair_Color !== NA);
  const firstOf = (c: string) => colours.find((l) => l.Hair_Color === c)!;
  const picks = ["blond", "brown", "gray", "bald"].map(firstOf);
  expect(picks.every(Boolean)).toBe(true);
  image1 = img1.Image_Id;
  imageX = x.Image_Id;
  images2to5 = picks.map((l) => l.Image_Id);

  // World B: image 1's gender swapped with X's; images 2-5's colours rotated.
  const file = buildPaths(worlds.b.buildDir).hiddenLabels;
  const rotated = new Map(picks.map((l, i) => [l.Image_Id, picks[(i + 1) % picks.length].Hair_Color]));
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line) => {
      const cells = line.split(",");
      if (cells[0] === image1) cells[2] = "female";
      if (cells[0] === imageX) cells[2] = "male";
      if (rotated.has(cells[0])) cells[3] = rotated.get(cells[0])!;
      return cells.join(",");
    });
  fs.writeFileSync(file, lines.join("\n"));

  // The crafted CSV of the issue, and the constant CSV it is a variation of.
  const csv = (probe: boolean) => {
    const rows = worlds.a.testIds.map((id) => {
      const gender = probe && id === image1 ? "male" : "female";
      const colourIndex = probe ? images2to5.indexOf(id) : -1;
      const colour = colourIndex >= 0 ? ["blond", "brown", "gray", "bald"][colourIndex] : "black";
      return [id, gender, colour, "wavy"].join(",");
    });
    return [SUBMISSION_CSV_HEADER.join(","), ...rows].join("\n") + "\n";
  };
  crafted = csv(true);
  constant = csv(false);
  setTestEnv({ BLOB_STORE: "disk" });
});

/** Ids and times differ between the two runs by construction; everything else must not. */
function normalise(value: unknown, ids: string[]): string {
  let text = JSON.stringify(value);
  for (const id of ids) text = text.split(id).join("<id>");
  return text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>").replace(/"(t|start|end)":\d{13}/g, '"$1":<ms>');
}

describeEachEngine("crafted-CSV label oracle", (t) => {
  /** Plays the attack in one world: upload, score with the real worker, read what the participant can read. */
  async function play(world: ScoringFixture, phase: { scoreVisibility: string; ladderStep: number }, uploads: string[]) {
    const db = t.db;
    setRouteDb(db);
    setTestEnv({ DATA_DIR: world.dataDir });
    for (const table of ["job", "score", "submission", "termsAcceptance", "phase"] as const)
      await (db[table] as { deleteMany(): Promise<unknown> }).deleteMany();
    await db.dataset.updateMany({ data: { isCurrent: false } });
    const dataset = await registerFixtureDataset({ db, fixture: world });
    await db.phase.create({
      data: {
        // A fixed id: the phase list the leaderboard JSON carries must read the same in both worlds.
        id: "main-phase",
        name: "Main",
        startsAt: new Date(Date.now() - 3_600_000),
        endsAt: new Date(Date.now() + 86_400_000),
        dailyLimit: 5,
        ...phase,
      },
    });
    const user = await createTestUser({ db });
    // Whatever the platform requires of a submitter (verified address, current terms): granted.
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    await acceptTerms({
      db,
      userId: user.id,
      version: (await import("../lib/terms/terms-document")).CURRENT_TERMS.version,
      ip: "127.0.0.1",
    });
    session.user = { id: user.id, email: user.email, name: "Attacker", role: "participant" };

    const worker = startWorker({ db, dataDir: world.dataDir, pollMs: 20, leaseMs: 10_000, types: ["score-submission"] });
    const submitted: string[] = [];
    try {
      // One after the other, each scored before the next: the Ladder answers in this order.
      for (const body of uploads) {
        const res = await uploadRoute.POST(
          new Request("http://localhost/api/submissions?fileName=predictions.csv", { method: "POST", body }),
        );
        expect(res.status).toBe(201);
        const { submission } = await res.json();
        submitted.push(submission.id);
        await vi.waitFor(
          async () => expect((await db.submission.findUniqueOrThrow({ where: { id: submission.id } })).status).toBe("scored"),
          { timeout: 60_000, interval: 50 },
        );
      }
    } finally {
      await worker.stop();
    }
    // The last upload is the crafted one.
    const submission = { id: submitted.at(-1)! };
    const firstDetail = await (
      await detailRoute.GET(new Request(`http://localhost/api/submissions/${submitted[0]}`), {
        params: Promise.resolve({ id: submitted[0] }),
      })
    ).json();
    const detail = await (
      await detailRoute.GET(new Request(`http://localhost/api/submissions/${submission.id}`), {
        params: Promise.resolve({ id: submission.id }),
      })
    ).json();
    const list = await (await uploadRoute.GET(new Request("http://test/api/submissions"))).json();
    const pageData = await getSubmissionForUser({ db, submissionId: submission.id, user: session.user });
    const board = JSON.parse(
      (
        await exportLeaderboard({
          db,
          query: { board: "public", sort: "rank", dir: "asc" },
          format: "json",
          cache: { maxAgeMs: 0, staleMs: 0 },
        })
      ).body,
    );
    const organizer = await createTestUser({ db, role: "organizer" });
    const exact = await getSubmissionForUser({ db, submissionId: submission.id, user: organizer });
    const ids = [...submitted, user.id, dataset.id, user.name];
    return { participant: normalise({ firstDetail, detail, list, pageData, board }, ids), detail, exact };
  }

  it("under the Ladder, whatever the hidden labels of the probed images, the participant gets identical answers", async () => {
    // The attacker first submits the constant CSV, then the crafted variation of it.
    const a = await play(worlds.a, { scoreVisibility: "ladder", ladderStep: LADDER_STEP }, [constant, crafted]);
    const b = await play(worlds.b, { scoreVisibility: "ladder", ladderStep: LADDER_STEP }, [constant, crafted]);

    // The exact scores (organizers only) differ exactly where the attack reads them: the
    // "predicted male" column of the gender confusion matrix holds image 1 alone.
    const maleColumn = (s: typeof a.exact) =>
      s.publicScores!.attributes!.Gender.confusion!.map((row) => row[CLASSES.Gender.indexOf("male")]);
    expect(maleColumn(a.exact)).toEqual([0, 1]); // world A: image 1 is male
    expect(maleColumn(b.exact)).toEqual([1, 0]); // world B: image 1 is female
    expect(a.exact.publicScores!.main).not.toBe(b.exact.publicScores!.main);

    // What the participant gets: the same bytes in both worlds (API detail and list, page data, board).
    expect(b.participant).toBe(a.participant);
    // The probe did not beat the first answer by more than the step: the best is repeated.
    expect(a.detail.submission.publicScores).toMatchObject({
      policy: "ladder",
      fresh: false,
      attributes: null,
      fairness: null,
      detailWithheld: true,
    });
    expect(JSON.stringify(a.detail)).not.toMatch(/confusion"\s*:\s*\[|perClass"\s*:\s*\[/);
  }, 180_000);

  it("with the default rounding, no per-class metric or confusion matrix of the hidden split reaches the participant", async () => {
    const a = await play(worlds.a, { scoreVisibility: "rounded", ladderStep: 0.0001 }, [crafted]);
    const view = a.detail.submission.publicScores;
    expect(view).toMatchObject({ policy: "rounded", detailWithheld: true });
    for (const attribute of Object.values(view.attributes) as { perClass: unknown; confusion: unknown; macroF1: number }[]) {
      expect(attribute).toMatchObject({ perClass: null, confusion: null });
      expect(String(attribute.macroF1).split(".")[1]?.length ?? 0).toBeLessThanOrEqual(4);
    }
    expect(JSON.stringify(a.detail)).not.toMatch(/confusion"\s*:\s*\[|perClass"\s*:\s*\[|"recall"|"support"|"truePositives"/);
    // The organizer still sees everything.
    expect(a.exact.publicScores!.attributes!.Gender.confusion).not.toBeNull();
  }, 180_000);
});
