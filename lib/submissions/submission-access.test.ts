import fs from "node:fs";
import { Readable } from "node:stream";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { computeScores } from "../metrics/compute-scores";
import type { Prediction, SplitScores } from "../metrics/types";
import { parseManifest } from "../models/manifest";
import { createTestUser, ensureOpenTestPhase, predictionsCsv, registerFixtureDataset } from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { uploadsDir } from "../storage/local-disk-blob-store";
import { describeEachEngine } from "../../test-support/test-db";
import { contentDisposition } from "./content-disposition";
import { createSubmission } from "./create-submission";
import { getSubmissionForUser } from "./get-submission-for-user";
import { listUserSubmissions } from "./list-user-submissions";
import { manifestTemplate } from "./manifest-template";
import { openSubmissionFile } from "./open-submission-file";
import { selectFinalSubmissions } from "./select-final-submissions";
import { appError } from "../../test-support/app-error-of";

const fixture = setUpScoringFixture({ count: 120 });

// Real-shaped public scores (the view reads their attributes), from the scorer's own metrics.
let PUBLIC_SCORES: SplitScores;
beforeAll(() => {
  const predictions = new Map(
    fixture.labels.map((l) => [l.Image_Id, { Gender: "female", Hair_Color: "black", Hair_Type: "wavy" } as Prediction]),
  );
  PUBLIC_SCORES = computeScores({ labels: fixture.labels, predictions }).public;
});

// Numbers that must never appear in anything a participant gets before the reveal.
const PRIVATE_MAIN = 0.123456789;
const PRIVATE_MARKER = "private-metrics-marker";

describeEachEngine("submission access", (t) => {
  let datasetId: string;
  beforeAll(async () => {
    datasetId = (await registerFixtureDataset({ db: t.db, fixture })).id;
  });
  beforeEach(async () => {
    // Submissions keep their phase (onDelete: Restrict): detach them before emptying the phases.
    await t.db.submission.updateMany({ where: { phaseId: { not: null } }, data: { phaseId: null } });
    await t.db.phase.deleteMany();
  });

  /** A submission row in a given state, with a score when scored (no upload: the operations under test only read rows). */
  async function makeSubmission(options: {
    userId: string;
    status?: string;
    publicMain?: number;
    disqualified?: boolean;
    createdAt?: Date;
    phaseId?: string;
  }) {
    const status = options.status ?? "scored";
    return t.db.submission.create({
      data: {
        userId: options.userId,
        datasetId,
        kind: "csv",
        status,
        phaseId: options.phaseId ?? null,
        fileKey: `submissions/2026-01-01/${Math.random().toString(16).slice(2).padEnd(32, "0").slice(0, 32)}/upload`,
        fileName: "p.csv",
        fileSize: 10,
        sha256: "0".repeat(64),
        createdAt: options.createdAt,
        disqualifiedAt: options.disqualified ? new Date() : null,
        disqualifiedReason: options.disqualified ? "shared account" : null,
        errorMessage: status === "failed" ? "the sandbox ran out of memory" : null,
        failureKind: status === "failed" ? "system" : null,
        score:
          status === "scored"
            ? {
                create: {
                  publicMain: options.publicMain ?? 0.5,
                  privateMain: PRIVATE_MAIN,
                  public: JSON.parse(JSON.stringify({ ...PUBLIC_SCORES, main: options.publicMain ?? 0.5, marker: "public" })),
                  private: { main: PRIVATE_MAIN, marker: PRIVATE_MARKER },
                  durationMs: 1,
                },
              }
            : undefined,
      },
    });
  }

  describe("ownership", () => {
    it("lists only the user's own submissions, newest first, public score only", async () => {
      const [a, b] = [await createTestUser({ db: t.db }), await createTestUser({ db: t.db })];
      const old = await makeSubmission({ userId: a.id, publicMain: 0.4, createdAt: new Date("2026-01-01T00:00:00Z") });
      const recent = await makeSubmission({ userId: a.id, status: "failed", createdAt: new Date("2026-01-02T00:00:00Z") });
      await makeSubmission({ userId: b.id });
      const list = await listUserSubmissions({ db: t.db, userId: a.id, role: "participant" });
      expect(list.map((s) => s.id)).toEqual([recent.id, old.id]);
      expect(list[1]).toMatchObject({ status: "scored", publicMain: 0.4 });
      expect(list[0]).toMatchObject({
        status: "failed",
        publicMain: null,
        errorMessage: "the sandbox ran out of memory",
        failureKind: "system",
      });
      expect(JSON.stringify(list)).not.toContain(String(PRIVATE_MAIN));
    });

    it("answers not-found, never forbidden, for someone else's submission and file; organizers may view but not download", async () => {
      const [owner, other, organizer] = [
        await createTestUser({ db: t.db }),
        await createTestUser({ db: t.db }),
        await createTestUser({ db: t.db, role: "organizer" }),
      ];
      await ensureOpenTestPhase({ db: t.db });
      const { submission } = await createSubmission({
        db: t.db,
        dataDir: fixture.dataDir,
        userId: owner.id,
        kind: "csv",
        fileName: "mine.csv",
        stream: Readable.from([Buffer.from(predictionsCsv({ fixture }))]),
      });
      const asOther = await appError(getSubmissionForUser({ db: t.db, submissionId: submission.id, user: other }));
      const missing = await appError(getSubmissionForUser({ db: t.db, submissionId: "does-not-exist", user: other }));
      expect(asOther.code).toBe("not-found");
      expect(asOther.userMessage).toBe(missing.userMessage);
      expect(
        (await appError(openSubmissionFile({ db: t.db, dataDir: fixture.dataDir, submissionId: submission.id, userId: other.id }))).code,
      ).toBe("not-found");
      expect((await appError(getSubmissionForUser({ db: t.db, submissionId: "../../etc/passwd", user: owner }))).code).toBe("not-found");

      const mine = await getSubmissionForUser({ db: t.db, submissionId: submission.id, user: owner });
      expect(mine).toMatchObject({ id: submission.id, fileName: "mine.csv", status: "queued", isOwner: true, sha256: submission.sha256 });
      const file = await openSubmissionFile({ db: t.db, dataDir: fixture.dataDir, submissionId: submission.id, userId: owner.id });
      const bytes = Buffer.concat(await file.stream.toArray());
      expect(bytes.toString("utf8")).toBe(predictionsCsv({ fixture }));

      expect(await getSubmissionForUser({ db: t.db, submissionId: submission.id, user: organizer })).toMatchObject({ isOwner: false });
      expect(
        (await appError(openSubmissionFile({ db: t.db, dataDir: fixture.dataDir, submissionId: submission.id, userId: organizer.id })))
          .code,
      ).toBe("not-found");
      fs.rmSync(uploadsDir(fixture.dataDir), { recursive: true, force: true });
    });
  });

  describe("private scores", () => {
    it("are withheld before the reveal, even after the phase has ended, and shown once revealed", async () => {
      const user = await createTestUser({ db: t.db });
      const s = await makeSubmission({ userId: user.id, publicMain: 0.7 });
      const get = () => getSubmissionForUser({ db: t.db, submissionId: s.id, user });

      // No phase at all.
      let detail = await get();
      expect(detail).toMatchObject({
        publicMain: 0.7,
        publicScores: { main: 0.7, detailWithheld: true },
        privateMain: null,
        privateScores: null,
        privateRevealed: false,
      });
      expect(JSON.stringify(detail)).not.toMatch(new RegExp(`${PRIVATE_MARKER}|${PRIVATE_MAIN}`));

      // Phase running, not revealed.
      const phase = await t.db.phase.create({
        data: { name: "p1", startsAt: new Date(Date.now() - 7_200_000), endsAt: new Date(Date.now() + 3_600_000), dailyLimit: 5 },
      });
      detail = await get();
      expect(JSON.stringify(detail)).not.toMatch(new RegExp(`${PRIVATE_MARKER}|${PRIVATE_MAIN}`));

      // Revealed early by an organizer.
      await t.db.phase.update({ where: { id: phase.id }, data: { privateRevealed: true } });
      detail = await get();
      expect(detail).toMatchObject({ privateRevealed: true, privateMain: PRIVATE_MAIN, privateScores: { marker: PRIVATE_MARKER } });

      // Or simply ended.
      await t.db.phase.update({ where: { id: phase.id }, data: { privateRevealed: false, endsAt: new Date(Date.now() - 1000) } });
      detail = await get();
      expect(detail).toMatchObject({ privateRevealed: true, privateMain: PRIVATE_MAIN });
    });
  });

  describe("final selection", () => {
    it("selects up to maxFinal own scored submissions and replaces the previous choice", async () => {
      const user = await createTestUser({ db: t.db });
      const [a, b, c] = [
        await makeSubmission({ userId: user.id }),
        await makeSubmission({ userId: user.id }),
        await makeSubmission({ userId: user.id }),
      ];
      expect(await selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [a.id, b.id, a.id] } })).toEqual({
        selected: [a.id, b.id],
        maxFinal: 2,
      });
      await selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [c.id] } });
      const finals = await t.db.submission.findMany({ where: { userId: user.id, isFinal: true }, select: { id: true } });
      expect(finals.map((f) => f.id)).toEqual([c.id]);

      const tooMany = await appError(selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [a.id, b.id, c.id] } }));
      expect(tooMany).toMatchObject({ code: "validation", userMessage: expect.stringContaining("at most 2") });
      await selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [] } });
      expect(await t.db.submission.count({ where: { userId: user.id, isFinal: true } })).toBe(0);
    });

    it("refuses someone else's, unscored and disqualified submissions, changing nothing", async () => {
      const [user, other] = [await createTestUser({ db: t.db }), await createTestUser({ db: t.db })];
      const good = await makeSubmission({ userId: user.id });
      await selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [good.id] } });
      const theirs = await makeSubmission({ userId: other.id });
      const queued = await makeSubmission({ userId: user.id, status: "queued" });
      const failed = await makeSubmission({ userId: user.id, status: "failed" });
      const dq = await makeSubmission({ userId: user.id, disqualified: true });
      for (const [id, pattern] of [
        [theirs.id, /does not exist/],
        [queued.id, /not scored/],
        [failed.id, /not scored/],
        [dq.id, /disqualified/],
      ] as const) {
        const err = await appError(selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [id] } }));
        expect(err.code).toBe("validation");
        expect(err.details).toEqual([{ field: "submissionIds", message: expect.stringMatching(pattern) }]);
      }
      expect((await t.db.submission.findUnique({ where: { id: good.id } }))?.isFinal).toBe(true);
      expect((await t.db.submission.findUnique({ where: { id: theirs.id } }))?.isFinal).toBe(false);
      expect((await appError(selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: "x" } as never }))).code).toBe(
        "validation",
      );
    });

    it("follows the phase's maxFinal and closes when the phase ends", async () => {
      const user = await createTestUser({ db: t.db });
      const phase = await t.db.phase.create({
        data: {
          name: "p",
          startsAt: new Date(Date.now() - 3_600_000),
          endsAt: new Date(Date.now() + 3_600_000),
          dailyLimit: 5,
          maxFinal: 3,
        },
      });
      // Final picks are made among the entries of the phase (Submission.phaseId).
      const ids = [
        (await makeSubmission({ userId: user.id, phaseId: phase.id })).id,
        (await makeSubmission({ userId: user.id, phaseId: phase.id })).id,
        (await makeSubmission({ userId: user.id, phaseId: phase.id })).id,
      ];
      expect((await selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: ids } })).selected).toHaveLength(3);
      await t.db.phase.update({ where: { id: phase.id }, data: { endsAt: new Date(Date.now() - 1000) } });
      expect((await appError(selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [] } }))).code).toBe("conflict");
    });
  });
});

describe("helpers", () => {
  it("pre-fills a manifest that the model checks accept", () => {
    expect(parseManifest(manifestTemplate())).toMatchObject({ ok: true });
  });

  it("keeps a hostile file name out of the download header", () => {
    const header = contentDisposition('..\\evil"\r\nset-cookie: x=1; é.csv');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(contentDisposition("preds.csv")).toBe(`attachment; filename="preds.csv"; filename*=UTF-8''preds.csv`);
  });
});
