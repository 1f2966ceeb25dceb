import { afterAll, beforeAll, expect, it } from "vitest";
import { registerDataset } from "../lib/dataset-records/register-dataset";
import type { Db } from "../lib/db/client";
import { createLocalDiskBlobStore, uploadsDir } from "../lib/storage/local-disk-blob-store";
import { describeEachEngine } from "../test-support/test-db";
import { startWorker } from "@/scorer/worker";
import { cnnBaseline, runCnnBaseline } from "../lib/baselines/cnn";
import { colourFeaturesBaseline } from "../lib/baselines/colour-features";
import { BASELINE_OWNER_EMAIL, ensureBaselineOwner } from "../lib/baselines/ensure-baseline-owner";
import { priorBaseline } from "../lib/baselines/prior";
import { submitBaseline } from "../lib/baselines/submit-baseline";
import { prepareSyntheticBuild, type SyntheticBuild } from "../test-support/baselines/prepare-synthetic-build";
import type { BaselineArtifact, EpochReport } from "../lib/baselines/types";
import { waitForSubmissionScore } from "../lib/baselines/wait-for-submission-score";

// Each baseline trained briefly on 2,000 real synthetic portraits (the generator, not a
// fixture of repeated pictures, so there is something to learn), then submitted through
// createSubmission and scored by an in-process worker: the real path, no shortcut.

let build: SyntheticBuild;
type Name = "prior" | "colour-features" | "cnn";
const artifacts = {} as Record<Name, BaselineArtifact>;
const epochs: EpochReport[] = [];

beforeAll(async () => {
  build = await prepareSyntheticBuild({ count: 2000, seed: 5 });
  artifacts.prior = await priorBaseline.run({ cacheDir: build.cacheDir });
  artifacts["colour-features"] = await colourFeaturesBaseline.run({ cacheDir: build.cacheDir, epochs: 8, onEpoch: (e) => epochs.push(e) });
  // The CNN only briefly (one epoch on 256 images, a few seconds): this checks the path
  // (the ONNX training engine, offsets folded into the heads, ONNX bundle + manifest, sandbox
  // scoring), not its quality.
  artifacts.cnn = await runCnnBaseline({ cacheDir: build.cacheDir, epochs: 1, maxTrainImages: 256 });
  // Generous: the machines are shared, and generating the portraits alone is ~10 s on a quiet one.
}, 300_000);
afterAll(() => build?.cleanup());

it("colour-features reports every epoch and learns something on the held-out rows", () => {
  expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(epochs.at(-1)!.loss).toBeLessThan(epochs[0].loss);
  expect(artifacts["colour-features"].validation.main).toBeGreaterThan(artifacts.prior.validation.main + 0.1);
});

describeEachEngine("baselines through the real scorer", (t) => {
  beforeAll(async () => {
    await registerDataset({ db: t.db, manifest: build.manifest });
  });

  async function submitAndScore(db: Db, name: Name) {
    const definition = { prior: priorBaseline, "colour-features": colourFeaturesBaseline, cnn: cnnBaseline }[name];
    const artifact = artifacts[name];
    const store = createLocalDiskBlobStore({ root: uploadsDir(build.dataDir) });
    const { baseline, submission } = await submitBaseline({
      db,
      name,
      title: definition.title,
      description: definition.description,
      kind: artifact.kind,
      fileName: artifact.fileName,
      bytes: artifact.bytes,
      dataDir: build.dataDir,
      store,
    });
    const worker = startWorker({ db, dataDir: build.dataDir, store, pollMs: 20, leaseMs: 5_000, types: ["score-submission"] });
    try {
      const scored = await waitForSubmissionScore({ db, submissionId: submission.id, timeoutMs: 60_000, pollMs: 50 });
      return { baseline, scored };
    } finally {
      await worker.stop();
    }
  }

  it("scores prior and colour-features as organizer-owned baseline entries; colour-features beats prior", async () => {
    const prior = await submitAndScore(t.db, "prior");
    const colour = await submitAndScore(t.db, "colour-features");
    for (const { baseline, scored } of [prior, colour]) {
      expect(scored).toMatchObject({ status: "scored", baselineId: baseline.id, countsAgainstQuota: false, errorMessage: null });
      expect(scored.score).not.toBeNull();
    }
    const owner = await t.db.user.findUniqueOrThrow({ where: { email: BASELINE_OWNER_EMAIL } });
    expect(owner.role).toBe("organizer");
    expect(prior.baseline.ownerId).toBe(owner.id);
    const priorMain = prior.scored.score!.publicMain;
    const colourMain = colour.scored.score!.publicMain;
    console.log(`public main score: prior ${priorMain.toFixed(4)}, colour-features ${colourMain.toFixed(4)}`);
    expect(colourMain).toBeGreaterThan(priorMain);
  });

  it("scores the cnn baseline as an ONNX model bundle in the sandbox", async () => {
    expect(artifacts.cnn.kind).toBe("model");
    const { baseline, scored } = await submitAndScore(t.db, "cnn");
    expect(scored.errorMessage).toBeNull();
    expect(scored).toMatchObject({ status: "scored", baselineId: baseline.id, modelFormat: "onnx" });
    console.log(`public main score: cnn (1 epoch, 256 images) ${scored.score!.publicMain.toFixed(4)}`);
  });

  it("submitting again keeps one Baseline row and one owner, with a new entry", async () => {
    await ensureBaselineOwner({ db: t.db });
    const { baseline, submission } = await submitBaseline({
      db: t.db,
      name: "prior",
      title: "Prior, again",
      description: "",
      kind: "csv",
      fileName: "prior.csv",
      bytes: artifacts.prior.bytes,
      dataDir: build.dataDir,
      store: createLocalDiskBlobStore({ root: uploadsDir(build.dataDir) }),
    });
    expect(await t.db.baseline.count({ where: { name: "prior" } })).toBe(1);
    expect(await t.db.user.count({ where: { email: BASELINE_OWNER_EMAIL } })).toBe(1);
    expect(baseline.title).toBe("Prior, again");
    expect(submission.baselineId).toBe(baseline.id);
    expect(await t.db.submission.count({ where: { baselineId: baseline.id } })).toBe(2);
  });
});
