/**
 * Leaderboard test data: a current dataset, participants, baselines and scored entries written
 * straight to the tables (no upload, no scorer), so ranking tests say exactly which numbers they
 * rank. Also used by bench/web.ts to seed 20,000 entries.
 */
import { randomBytes } from "node:crypto";
import { CLASSES, ATTRIBUTES, type Attribute } from "../../lib/challenge/definition";
import type { Db, Prisma } from "../../lib/db/client";
import type { LeaderboardQuery } from "../../lib/leaderboard/get-leaderboard";
import type { AttributeMetrics, SplitScores } from "../../lib/metrics/types";
import { mulberry32 } from "../../lib/random/mulberry32";

const tag = () => randomBytes(6).toString("hex");

/** The fixed "now" of ranking tests, so ties and time windows never depend on the clock. */
export const HOUR = 3_600_000;
export const NOW = new Date("2026-06-15T12:00:00Z");
/** The time `hoursAgo` hours before NOW. */
export const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR);
/** Snapshot cache options that rebuild on every read: a test sees the entries it just added. */
export const FRESH = { maxAgeMs: 0, staleMs: 0 };
/** The board most tests read: public scores, best rank first (what the page shows by default). */
export const PUBLIC_BOARD: LeaderboardQuery = { board: "public", sort: "rank", dir: "asc" };

export async function createLeaderboardDataset(options: { db: Db; isCurrent?: boolean }) {
  const id = tag();
  return options.db.dataset.create({
    data: {
      buildId: `lb-${id}`,
      sourceKind: "synthetic",
      sourcePath: "/nowhere",
      totalCount: 100,
      trainCount: 80,
      testCount: 20,
      publicCount: 10,
      privateCount: 10,
      labelStats: {},
      splitSeedHash: "0".repeat(64),
      preparedAt: new Date(),
      isCurrent: options.isCurrent ?? true,
    },
  });
}

/**
 * Empties the tables leaderboard tests write (children before the rows they reference) and
 * creates a current dataset, so each test ranks only the entries it adds.
 */
export async function resetLeaderboardData(options: { db: Db }) {
  const { db } = options;
  await db.score.deleteMany();
  await db.submission.deleteMany();
  await db.baseline.deleteMany();
  await db.user.deleteMany();
  await db.phase.deleteMany();
  await db.dataset.deleteMany();
  return createLeaderboardDataset({ db });
}

export async function createParticipant(options: { db: Db; name?: string; role?: "participant" | "organizer" }) {
  const id = tag();
  return options.db.user.create({
    data: { email: `lb-${id}@example.test`, name: options.name ?? `Participant ${id}`, role: options.role ?? "participant" },
  });
}

export async function createLeaderboardBaseline(options: { db: Db; title: string }) {
  const owner = await createParticipant({ db: options.db, name: "Organizers", role: "organizer" });
  return options.db.baseline.create({ data: { name: `bl-${tag()}`, title: options.title, ownerId: owner.id } });
}

type Overrides = Partial<{
  genderF1: number | null;
  hairColorF1: number | null;
  hairTypeF1: number | null;
  female: number | null;
  male: number | null;
}>;

function attribute(attr: Attribute, macroF1: number | null): AttributeMetrics {
  const classes = CLASSES[attr];
  const k = classes.length;
  return {
    classes,
    n: 100,
    accuracy: macroF1 === null ? null : Math.min(1, macroF1 + 0.05),
    macroF1,
    perClass: classes.map((label) => ({ label, support: 20, predicted: 20, truePositives: 15, precision: 0.75, recall: 0.75, f1: 0.75 })),
    confusion: Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 15 : 2))),
  };
}

/** A full SplitScores in the scorer's shape: macro-F1s default to the main score. */
export function fakeSplitScores(main: number, o: Overrides = {}): SplitScores {
  const f1 = {
    Gender: o.genderF1 === undefined ? main : o.genderF1,
    Hair_Color: o.hairColorF1 === undefined ? main : o.hairColorF1,
    Hair_Type: o.hairTypeF1 === undefined ? main : o.hairTypeF1,
  };
  const female = o.female === undefined ? main : o.female;
  const male = o.male === undefined ? main : o.male;
  const gap = female === null || male === null ? null : female - male;
  return {
    n: 100,
    main,
    attributes: Object.fromEntries(ATTRIBUTES.map((a) => [a, attribute(a, f1[a])])) as SplitScores["attributes"],
    fairness: { hairColorMacroF1Female: female, hairColorMacroF1Male: male, gap, absGap: gap === null ? null : Math.abs(gap) },
  };
}

export interface AddEntryOptions {
  db: Db;
  datasetId: string;
  userId: string;
  baselineId?: string;
  createdAt: Date;
  /** Omit (with status "failed"/"queued") for an entry without a score. */
  publicMain?: number;
  privateMain?: number;
  isFinal?: boolean;
  status?: "queued" | "running" | "scored" | "failed";
  failureKind?: "user" | "system";
  publicOverrides?: Overrides;
  privateOverrides?: Overrides;
  /** The phase it was made in; absent: placed as the schema migration placed old rows (placeEntriesInPhases). */
  phaseId?: string | null;
}

/**
 * The phase an entry made at `createdAt` belongs to, by the rule of the migration that added
 * Submission.phaseId: the phase running then, else the earliest phase; null without phases.
 */
async function phaseAt(db: Db, createdAt: Date): Promise<string | null> {
  const running = await db.phase.findFirst({
    where: { startsAt: { lte: createdAt }, endsAt: { gt: createdAt } },
    orderBy: { startsAt: "desc" },
    select: { id: true },
  });
  return (running ?? (await db.phase.findFirst({ orderBy: { startsAt: "asc" }, select: { id: true } })))?.id ?? null;
}

/** Places the participants' entries without a phase, for tests that create the phase after the entries. */
export async function placeEntriesInPhases(options: { db: Db }) {
  const { db } = options;
  const rows = await db.submission.findMany({ where: { phaseId: null, baselineId: null }, select: { id: true, createdAt: true } });
  for (const r of rows) {
    const phaseId = await phaseAt(db, r.createdAt);
    if (phaseId) await db.submission.update({ where: { id: r.id }, data: { phaseId } });
  }
}

export async function addEntry(o: AddEntryOptions) {
  const status = o.status ?? (o.publicMain === undefined ? "failed" : "scored");
  const submission = await o.db.submission.create({
    data: {
      userId: o.userId,
      datasetId: o.datasetId,
      baselineId: o.baselineId ?? null,
      // Baselines stand on every phase of their track (phaseId null).
      phaseId: o.phaseId !== undefined ? o.phaseId : o.baselineId ? null : await phaseAt(o.db, o.createdAt),
      kind: "csv",
      status,
      fileKey: `test/${tag()}`,
      fileName: "preds.csv",
      fileSize: 1,
      sha256: "0".repeat(64),
      isFinal: o.isFinal ?? false,
      failureKind: status === "failed" ? (o.failureKind ?? "user") : null,
      countsAgainstQuota: !(status === "failed" && o.failureKind === "system"),
      createdAt: o.createdAt,
    },
  });
  if (status === "scored" && o.publicMain !== undefined) {
    const privateMain = o.privateMain ?? o.publicMain;
    await o.db.score.create({
      data: {
        submissionId: submission.id,
        publicMain: o.publicMain,
        privateMain,
        public: fakeSplitScores(o.publicMain, o.publicOverrides) as object,
        private: fakeSplitScores(privateMain, o.privateOverrides) as object,
        durationMs: 5,
      },
    });
  }
  return submission;
}

/**
 * Bulk seed for the web benchmark: `participants` users, `submissions` scored entries spread
 * over `days` days before now, scores drifting upwards with time like a real challenge, and
 * three baselines. createMany in chunks: 20,000 entries in seconds on either engine.
 */
export async function seedBulkLeaderboard(options: {
  db: Db;
  participants: number;
  submissions: number;
  days?: number;
  seed?: number;
  log?: (m: string) => void;
}) {
  const { db } = options;
  const rand = mulberry32(options.seed ?? 1);
  const days = options.days ?? 30;
  const now = Date.now();
  const dataset = await createLeaderboardDataset({ db });
  const run = tag();
  const users = Array.from({ length: options.participants }, (_, i) => ({
    id: `u${run}${i}`,
    email: `bench-${run}-${i}@example.test`,
    name: `Participant ${i + 1}`,
    role: "participant",
  }));
  for (let i = 0; i < users.length; i += 1000) await db.user.createMany({ data: users.slice(i, i + 1000) });
  const titles = ["Prior (most frequent class)", "Colour features", "Reference CNN"];
  const baselineIds: string[] = [];
  for (const title of titles) baselineIds.push((await createLeaderboardBaseline({ db, title })).id);
  const ownerId = (await db.baseline.findUniqueOrThrow({ where: { id: baselineIds[0] } })).ownerId;

  const skill = users.map(() => 0.35 + 0.45 * rand());
  const CHUNK = 1000;
  for (let start = 0; start < options.submissions; start += CHUNK) {
    const subs: Prisma.SubmissionCreateManyInput[] = [];
    const scores: Prisma.ScoreCreateManyInput[] = [];
    for (let i = start; i < Math.min(options.submissions, start + CHUNK); i++) {
      const id = `s${run}${i}`;
      const baseline = i < baselineIds.length ? i : -1;
      const u = baseline >= 0 ? -1 : Math.floor(rand() * users.length);
      const t = now - Math.floor(rand() * days * 86_400_000);
      const progress = 1 - (now - t) / (days * 86_400_000);
      const main = baseline >= 0 ? [0.34, 0.55, 0.7][baseline] : Math.min(0.99, skill[u] * (0.8 + 0.25 * progress) + 0.05 * rand());
      const failed = baseline < 0 && rand() < 0.05;
      subs.push({
        id,
        userId: baseline >= 0 ? ownerId : users[u].id,
        datasetId: dataset.id,
        baselineId: baseline >= 0 ? baselineIds[baseline] : null,
        kind: "csv",
        status: failed ? "failed" : "scored",
        failureKind: failed ? "user" : null,
        fileKey: `bench/${id}`,
        fileName: "preds.csv",
        fileSize: 1,
        sha256: "0".repeat(64),
        createdAt: new Date(t),
      });
      if (!failed) {
        const priv = Math.max(0, Math.min(1, main + (rand() - 0.5) * 0.04));
        const jitter = () => Math.max(0, Math.min(1, main + (rand() - 0.5) * 0.1));
        scores.push({
          submissionId: id,
          publicMain: main,
          privateMain: priv,
          public: fakeSplitScores(main, {
            genderF1: jitter(),
            hairColorF1: jitter(),
            hairTypeF1: jitter(),
            female: jitter(),
            male: jitter(),
          }) as object,
          private: fakeSplitScores(priv) as object,
          durationMs: 5,
        });
      }
    }
    // One transaction per chunk: on SQLite each statement would otherwise commit (and sync)
    // alone. A generous timeout: on a loaded machine a chunk of Json-heavy rows takes seconds.
    await db.$transaction(
      async (tx) => {
        await tx.submission.createMany({ data: subs });
        await tx.score.createMany({ data: scores });
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    options.log?.(`seeded ${Math.min(options.submissions, start + CHUNK)} / ${options.submissions} submissions`);
  }
  return { datasetId: dataset.id };
}
