import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { CLASSES, NA, SUBMISSION_CSV_HEADER } from "../../lib/challenge/definition";
import { prepareDataset } from "../../lib/dataset/prepare-dataset";
import { readHiddenLabels, type HiddenLabelRow } from "../../lib/dataset/read-hidden-labels";
import { makeFixtureDataset } from "../dataset/make-fixture-dataset";
import { registerDataset } from "../../lib/dataset-records/register-dataset";
import type { Db, User } from "../../lib/db/client";
import type { DatasetManifest } from "../../lib/dataset/dataset-manifest";
import { loadTestIds } from "../../lib/scoring/load-test-ids";
import { CURRENT_TERMS } from "../../lib/terms/terms-document";
import { env } from "../../lib/env";
import { uploadsDir } from "../../lib/storage/local-disk-blob-store";
import { createSubmission, type CreateSubmissionOptions } from "../../lib/submissions/create-submission";

/**
 * Test-only: a small prepared dataset in a temp DATA_DIR (prepared once per test file, then
 * registered in each suite's own database), users with random e-mails, and predictions CSVs.
 */
export interface ScoringFixture {
  dataDir: string;
  buildDir: string;
  manifest: DatasetManifest;
  testIds: readonly string[];
  labels: readonly HiddenLabelRow[];
  cleanup(): void;
}

export async function prepareScoringFixture(options: { count?: number; seed?: number } = {}): Promise<ScoringFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-scoring-"));
  const source = path.join(root, "source");
  const dataDir = path.join(root, "data");
  // Few distinct pictures: the pipeline's cost is decoding, and the scorer does not care.
  await makeFixtureDataset({ dir: source, count: options.count ?? 200, seed: options.seed ?? 7, distinctImages: 16 });
  const result = await prepareDataset({ sourceDir: source, dataDir, splitSeed: `scoring-fixture-${options.seed ?? 7}` });
  fs.rmSync(source, { recursive: true, force: true });
  return {
    dataDir,
    buildDir: result.buildDir,
    manifest: result.manifest,
    testIds: await loadTestIds({ buildDir: result.buildDir }),
    labels: await readHiddenLabels(dataDir, { buildDir: result.buildDir }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** Records the fixture's build as the current dataset of `db`. */
export async function registerFixtureDataset(options: { db: Db; fixture: ScoringFixture }) {
  const dataset = await registerDataset({ db: options.db, manifest: options.fixture.manifest });
  // A prepared instance has a phase open for submissions (npm start creates one: ensureDefaultPhase).
  if ((await options.db.phase.count()) === 0) await ensureOpenTestPhase({ db: options.db });
  return dataset;
}

/** Files under an instance's uploads folder, partial ones included: a refused upload must leave none. */
export function storedUploadFiles(dataDir: string): string[] {
  const root = uploadsDir(dataDir);
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
}

export const OPEN_TEST_PHASE_ID = "open-test-phase";

/**
 * A phase running from 2000 to 2100 with the default daily limit (DAILY_SUBMISSION_LIMIT) and
 * every kind accepted, so uploads at any fixed test clock belong to it: participants may only
 * submit while a phase runs (lib/phases/assert-phase-open.ts). Idempotent.
 */
export async function ensureOpenTestPhase(options: { db: Db; dailyLimit?: number }) {
  return options.db.phase.upsert({
    where: { id: OPEN_TEST_PHASE_ID },
    create: {
      id: OPEN_TEST_PHASE_ID,
      name: "Open test phase",
      startsAt: new Date("2000-01-01T00:00:00Z"),
      endsAt: new Date("2100-01-01T00:00:00Z"),
      dailyLimit: options.dailyLimit ?? env().DAILY_SUBMISSION_LIMIT,
    },
    update: {},
  });
}

/** A user who may submit: a confirmed address and the current terms accepted (`eligible: false` for neither). */
export async function createTestUser(options: {
  db: Db;
  role?: "participant" | "organizer";
  eligible?: boolean;
}): Promise<Omit<User, "passwordHash">> {
  const tag = randomBytes(6).toString("hex");
  const eligible = options.eligible ?? true;
  return options.db.user.create({
    data: {
      email: `user-${tag}@example.test`,
      name: `User ${tag}`,
      role: options.role ?? "participant",
      ...(eligible ? { emailVerifiedAt: new Date(), termsAcceptances: { create: { termsVersion: CURRENT_TERMS.version } } } : {}),
    },
  });
}

/**
 * A valid predictions CSV for the fixture. `mode`: "truth" predicts the hidden label where it
 * is not n/a (main score 1), "constant" predicts the first class everywhere.
 */
export function predictionsCsv(options: { fixture: Pick<ScoringFixture, "testIds" | "labels">; mode?: "truth" | "constant" }): string {
  const byId = new Map(options.fixture.labels.map((l) => [l.Image_Id, l]));
  const rows = options.fixture.testIds.map((id) => {
    const l = byId.get(id)!;
    const pick = (value: string, classes: readonly string[]) => (options.mode === "truth" && value !== NA ? value : classes[0]);
    return [id, pick(l.Gender, CLASSES.Gender), pick(l.Hair_Color, CLASSES.Hair_Color), pick(l.Hair_Type, CLASSES.Hair_Type)].join(",");
  });
  return [SUBMISSION_CSV_HEADER.join(","), ...rows].join("\n") + "\n";
}

/**
 * Uploads a predictions CSV for the fixture's test set through createSubmission: the right
 * answers as "preds.csv" unless the options say otherwise (`stream`, `kind`, `now`, ...).
 */
export function uploadFixtureCsv(options: { fixture: ScoringFixture; db: Db; userId: string } & Partial<CreateSubmissionOptions>) {
  const { fixture, ...overrides } = options;
  return createSubmission({
    dataDir: fixture.dataDir,
    kind: "csv",
    fileName: "preds.csv",
    stream: Readable.from([Buffer.from(predictionsCsv({ fixture }))]),
    ...overrides,
  });
}

/** Empties the queue, the submissions and the phases: the start of each upload test. */
export async function clearSubmissions(options: { db: Db }) {
  await options.db.job.deleteMany();
  await options.db.submission.deleteMany();
  await options.db.phase.deleteMany();
}
