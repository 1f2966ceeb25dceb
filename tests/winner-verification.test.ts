import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { beforeAll, expect, it, vi } from "vitest";
import type { Db } from "../lib/db/client";
import { buildLeaderboardRows } from "../lib/leaderboard/build-leaderboard-rows";
import { loadLeaderboardSnapshot } from "../lib/leaderboard/load-leaderboard-snapshot";
import { outboxDir } from "../lib/mail/send-mail";
import { uploadsDir } from "../lib/storage/local-disk-blob-store";
import { createSubmission } from "../lib/submissions/create-submission";
import { runWorkerUntil } from "../test-support/scorer/run-worker-until";
import { session } from "../test-support/auth/fake-current-user";
import { idParams, jsonInit, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { setUpTempDir } from "../test-support/set-up-temp-dir";
import { makeManifest, writeOnnxBundle, zipFolder } from "../test-support/models/model-fixtures";
import { createTestUser, registerFixtureDataset } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../test-support/test-db";

// Winner verification end to end: a model submission scored by the real worker, the organizer's
// request (e-mail in the outbox), the owner's uploads through the route, the rerun through the
// real verify-submission handler in the sandbox, the comparison, the audited code download.

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const verification = await import("@/app/api/organizer/verification/route");
const rerun = await import("@/app/api/organizer/verification/[id]/rerun/route");
const reject = await import("@/app/api/organizer/verification/[id]/reject/route");
const code = await import("@/app/api/organizer/verification/[id]/code/route");
const own = await import("@/app/api/submissions/[id]/verification/route");

const BASE = "http://localhost/api";

const fixture = setUpScoringFixture({ count: 60, seed: 21 });
const { setTestEnv } = setUpRouteTest();
const tmp = setUpTempDir("tp-verify-");
let modelZip: Buffer;
beforeAll(() => {
  const dir = path.join(tmp, "model");
  writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "separate" });
  modelZip = zipFolder(dir);
});

/** Runs a worker of `types` until a job completes or fails for good, then stops it. */
const runWorkerOnce = (db: Db, types: ("score-submission" | "verify-submission")[]) =>
  runWorkerUntil({
    db,
    dataDir: fixture.dataDir,
    types,
    leaseMs: 10_000,
    timeoutMs: 90_000,
    until: (events) => events.some((e) => e.type === "completed" || (e.type === "failed" && e.final)),
  });

describeEachEngine("winner verification", (t) => {
  useRouteDb(t);
  it("requests, uploads, reruns in the sandbox, compares (mismatch, then verified), downloads the code and rejects", async () => {
    setTestEnv({ DATA_DIR: fixture.dataDir });
    await registerFixtureDataset({ db: t.db, fixture });
    await t.db.phase.create({
      data: { name: "Main", startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 86_400_000), dailyLimit: 5 },
    });
    const owner = await createTestUser({ db: t.db });
    const organizerRow = await createTestUser({ db: t.db, role: "organizer" });
    const organizer = { id: organizerRow.id, email: organizerRow.email, name: organizerRow.name, role: "organizer" as const };
    const ownerSession = { id: owner.id, email: owner.email, name: owner.name, role: "participant" as const };

    const { submission } = await createSubmission({
      db: t.db,
      userId: owner.id,
      dataDir: fixture.dataDir,
      kind: "model",
      fileName: "model.zip",
      stream: Readable.from([modelZip]),
    });
    await runWorkerOnce(t.db, ["score-submission"]);
    const score = await t.db.score.findUniqueOrThrow({ where: { submissionId: submission.id } });

    // The organizer asks; the owner gets an e-mail with the upload page.
    session.user = organizer;
    const requested = await verification.POST(
      new Request(`${BASE}/organizer/verification`, jsonInit({ submissionId: submission.id, note: "Thanks!" })),
    );
    expect(requested.status).toBe(201);
    const { requested: rows } = await requested.json();
    const verificationId: string = rows[0].id;
    const mails = fs
      .readdirSync(outboxDir(fixture.dataDir))
      .map((f) => fs.readFileSync(path.join(outboxDir(fixture.dataDir), f), "utf8").replace(/=\r?\n/g, ""));
    expect(mails.some((m) => m.includes(owner.email) && m.includes(`/submissions/${submission.id}/verification`))).toBe(true);
    const twice = await verification.POST(new Request(`${BASE}/organizer/verification`, jsonInit({ submissionId: submission.id })));
    expect(await twice.json()).toMatchObject({ requested: [], alreadyRequested: [submission.id] });
    expect((await rerun.POST(new Request(`${BASE}/organizer/verification/x/rerun`, jsonInit({})), idParams(verificationId))).status).toBe(
      409,
    );

    // The owner uploads: a mislabelled archive and a broken model are refused and leave nothing.
    session.user = ownerSession;
    const upload = (query: string, body: Buffer) =>
      own.POST(
        new Request(`${BASE}/submissions/x/verification?${query}`, { method: "POST", body: new Uint8Array(body) }),
        idParams(submission.id),
      );
    // The fixture's DATA_DIR is shared by both engines' runs: count only the files this run adds.
    const allVerificationFiles = () =>
      fs
        .readdirSync(uploadsDir(fixture.dataDir), { recursive: true })
        .map(String)
        .filter((f) => f.startsWith("verification/") && fs.statSync(path.join(uploadsDir(fixture.dataDir), f)).isFile());
    const earlier = new Set(fs.existsSync(uploadsDir(fixture.dataDir)) ? allVerificationFiles() : []);
    const verificationFiles = () => allVerificationFiles().filter((f) => !earlier.has(f));
    const fake = await upload("part=code&fileName=code.zip", Buffer.from("just text, not a zip"));
    expect(fake.status).toBe(400);
    expect((await fake.json()).error.message).toContain("not a zip archive");
    const brokenModel = await upload("part=model&fileName=model.zip", Buffer.from("PK\x03\x04 not really"));
    expect(brokenModel.status).toBe(400);
    expect((await upload("part=diagram&fileName=x.png", Buffer.from("x"))).status).toBe(400);
    expect(verificationFiles()).toEqual([]);

    const codeBytes = gzipSync(Buffer.from("train.py: the training code\n"));
    const codeUpload = await upload("part=code&fileName=train.tar.gz", codeBytes);
    expect(codeUpload.status).toBe(201);
    expect(await codeUpload.json()).toEqual({ status: "requested" });
    const modelUpload = await upload("part=model&fileName=model.zip", modelZip);
    expect(await modelUpload.json()).toEqual({ status: "uploaded" });

    // A rerun that does not reproduce the score (the recorded score was changed) is a mismatch with the numbers.
    await t.db.score.update({ where: { submissionId: submission.id }, data: { publicMain: score.publicMain + 0.01 } });
    session.user = organizer;
    expect((await rerun.POST(new Request(`${BASE}/organizer/verification/x/rerun`, jsonInit({})), idParams(verificationId))).status).toBe(
      202,
    );
    expect((await rerun.POST(new Request(`${BASE}/organizer/verification/x/rerun`, jsonInit({})), idParams(verificationId))).status).toBe(
      409,
    );
    await runWorkerOnce(t.db, ["verify-submission"]);
    const mismatch = await t.db.winnerVerification.findUniqueOrThrow({ where: { id: verificationId } });
    expect(mismatch.status).toBe("mismatch");
    expect(mismatch.rerunPublicMain).toBeCloseTo(score.publicMain, 12);
    expect(mismatch.rerunPrivateMain).toBeCloseTo(score.privateMain, 12);
    expect(mismatch.outcome).toContain(`public ${(score.publicMain + 0.01).toFixed(6)} submitted vs ${score.publicMain.toFixed(6)} rerun`);
    expect(mismatch.outcome).not.toContain("private");

    // The owner is told, without numbers (the private score stays secret), and may upload again.
    session.user = ownerSession;
    const view = await (await own.GET(new Request(`${BASE}/submissions/x/verification`), idParams(submission.id))).json();
    expect(view.verification).toMatchObject({ status: "mismatch", canUpload: true });
    expect(JSON.stringify(view)).not.toContain(score.privateMain.toFixed(6));
    expect(await (await upload("part=model&fileName=model.zip", modelZip)).json()).toEqual({ status: "uploaded" });

    await t.db.score.update({ where: { submissionId: submission.id }, data: { publicMain: score.publicMain } });
    session.user = organizer;
    expect((await rerun.POST(new Request(`${BASE}/organizer/verification/x/rerun`, jsonInit({})), idParams(verificationId))).status).toBe(
      202,
    );
    await runWorkerOnce(t.db, ["verify-submission"]);
    expect(await t.db.winnerVerification.findUniqueOrThrow({ where: { id: verificationId } })).toMatchObject({
      status: "verified",
      outcome: expect.stringContaining("Reproduced"),
    });
    // The leaderboard shows the badge on the verified entry.
    const board = buildLeaderboardRows({ snapshot: await loadLeaderboardSnapshot({ db: t.db }), board: "public" });
    expect(board.find((r) => r.name === owner.name)).toMatchObject({ verification: "verified" });
    // One model and one code file are kept; the replaced model upload was removed.
    expect(verificationFiles()).toHaveLength(2);

    // The organizer downloads the code as uploaded, and that is recorded.
    const download = await code.GET(new Request(`${BASE}/organizer/verification/x/code`), idParams(verificationId));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(codeBytes);
    expect(download.headers.get("content-disposition")).toContain("train.tar.gz");

    // A later rejection closes it: the reason reaches the owner, uploads stop.
    const rejected = await reject.POST(
      new Request(`${BASE}/organizer/verification/x/reject`, jsonInit({ reason: "The code does not train this model." })),
      idParams(verificationId),
    );
    expect(rejected.status).toBe(200);
    session.user = ownerSession;
    const closed = await (await own.GET(new Request(`${BASE}/submissions/x/verification`), idParams(submission.id))).json();
    expect(closed.verification).toMatchObject({ status: "rejected", canUpload: false, message: "The code does not train this model." });
    expect((await upload("part=code&fileName=train.tar.gz", codeBytes)).status).toBe(409);

    const audit = await t.db.auditEvent.findMany({ where: { targetType: "verification" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "verification.request",
      "verification.rerun",
      "verification.rerun",
      "verification.code-download",
      "verification.reject",
    ]);
    // The submission and its score are what they were: a verification never changes the leaderboard's numbers.
    expect(await t.db.score.findUniqueOrThrow({ where: { submissionId: submission.id } })).toMatchObject({
      publicMain: score.publicMain,
      privateMain: score.privateMain,
    });
  });
});
