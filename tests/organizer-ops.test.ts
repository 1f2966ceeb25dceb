import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { claimNextJob } from "../lib/queue/claim-next-job";
import { completeJob } from "../lib/queue/complete-job";
import { failJob } from "../lib/queue/fail-job";
import type { Db } from "../lib/db/client";
import { getSubmissionQuota } from "../lib/submissions/get-submission-quota";
import { listUserSubmissions } from "../lib/submissions/list-user-submissions";
import { listProblemJobs } from "../lib/organizer/list-problem-jobs";
import { requestVerification } from "../lib/verification/request-verification";
import type { MailMessage } from "../lib/mail/send-mail";
import { session } from "../test-support/auth/fake-current-user";
import { idParams, jsonInit, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../test-support/test-db";
import {
  createFixtureDatasetRow,
  createFixtureSubmission,
  createFixtureUser,
  createSessionUser,
} from "../test-support/organizer/organizer-fixtures";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const batches = await import("@/app/api/organizer/rescore-batches/route");
const jobs = await import("@/app/api/organizer/jobs/route");
const requeue = await import("@/app/api/organizer/jobs/[id]/requeue/route");
const verification = await import("@/app/api/organizer/verification/route");
const rerun = await import("@/app/api/organizer/verification/[id]/rerun/route");
const reject = await import("@/app/api/organizer/verification/[id]/reject/route");
const code = await import("@/app/api/organizer/verification/[id]/code/route");
const own = await import("@/app/api/submissions/[id]/verification/route");

const BASE = "http://localhost/api";

const fixture = setUpScoringFixture({ count: 40 });
const { setTestEnv } = setUpRouteTest({ quiet: ["warn"] });

/** Everything a refused call must leave as it was. */
async function stateOf(db: Db) {
  const [batchRows, jobRows, audit, verifications, submissions] = await Promise.all([
    db.rescoreBatch.count(),
    db.job.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, attempts: true } }),
    db.auditEvent.count(),
    db.winnerVerification.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, codeFileKey: true, modelFileKey: true } }),
    db.submission.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, isFinal: true, countsAgainstQuota: true } }),
  ]);
  return { batchRows, jobRows, audit, verifications, submissions };
}

describeEachEngine("organizer operations: bulk rescore, problem jobs, verification routes", (t) => {
  type SessionUser = NonNullable<typeof session.user>;
  let participant: SessionUser;
  let other: SessionUser;
  let organizer: SessionUser;
  let datasetId: string;
  let phaseId: string;
  let otherPhaseId: string;

  useRouteDb(t);
  beforeAll(async () => {
    setTestEnv({ DATA_DIR: fixture.dataDir });
    datasetId = (await createFixtureDatasetRow({ db: t.db })).id;
    participant = await createSessionUser({ db: t.db });
    other = await createSessionUser({ db: t.db });
    organizer = await createSessionUser({ db: t.db, role: "organizer" });
    const day = 86_400_000;
    phaseId = (
      await t.db.phase.create({
        data: { name: "Main", startsAt: new Date(Date.now() - day), endsAt: new Date(Date.now() + day), dailyLimit: 5 },
      })
    ).id;
    otherPhaseId = (
      await t.db.phase.create({
        data: { name: "Later", startsAt: new Date(Date.now() + day), endsAt: new Date(Date.now() + 2 * day), dailyLimit: 5 },
      })
    ).id;
  });
  beforeEach(async () => {
    session.user = null;
    await t.db.job.deleteMany();
    await t.db.rescoreBatch.deleteMany();
    await t.db.winnerVerification.deleteMany();
    await t.db.submission.deleteMany();
  });

  const scored = (userId: string, extra: Record<string, unknown> = {}) =>
    createFixtureSubmission({ db: t.db, userId, datasetId, extra: { phaseId, ...extra } });

  describe("permissions", () => {
    it("every new organizer route answers 404 to visitors and participants and changes nothing", async () => {
      const s = await scored(participant.id);
      const v = await t.db.winnerVerification.create({ data: { submissionId: s.id } });
      const job = await t.db.job.create({
        data: { type: "score-submission", payload: { submissionId: s.id }, status: "failed", lastError: "system: x" },
      });
      const calls: [string, () => Promise<Response>][] = [
        ["GET rescore-batches", () => batches.GET(new Request(`${BASE}/organizer/rescore-batches`))],
        ["POST rescore-batches", () => batches.POST(new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { phaseId } })))],
        ["GET jobs", () => jobs.GET(new Request(`${BASE}/organizer/jobs`))],
        ["POST requeue", () => requeue.POST(new Request(`${BASE}/organizer/jobs/x/requeue`, jsonInit({})), idParams(job.id))],
        ["GET verification", () => verification.GET(new Request(`${BASE}/organizer/verification`))],
        ["POST verification", () => verification.POST(new Request(`${BASE}/organizer/verification`, jsonInit({ submissionId: s.id })))],
        ["POST rerun", () => rerun.POST(new Request(`${BASE}/organizer/verification/x/rerun`, jsonInit({})), idParams(v.id))],
        [
          "POST reject",
          () => reject.POST(new Request(`${BASE}/organizer/verification/x/reject`, jsonInit({ reason: "Testing it" })), idParams(v.id)),
        ],
        ["GET code", () => code.GET(new Request(`${BASE}/organizer/verification/x/code`), idParams(v.id))],
      ];
      const before = await stateOf(t.db);
      for (const [name, call] of calls) {
        for (const [who, user] of [
          ["visitor", null],
          ["participant", participant],
        ] as const) {
          session.user = user;
          const res = await call();
          expect(res.status, `${name} as ${who}`).toBe(404);
          expect(await res.text()).not.toContain(participant.email);
        }
      }
      expect(await stateOf(t.db)).toEqual(before);
    });

    it("a submission's verification: 401 for a visitor, 404 for another participant (nothing stored), the owner's view for the owner", async () => {
      const s = await scored(participant.id);
      await t.db.winnerVerification.create({ data: { submissionId: s.id } });
      const upload = () =>
        own.POST(
          new Request(`${BASE}/submissions/x/verification?part=code&fileName=code.zip`, {
            method: "POST",
            body: Buffer.from("PK\x03\x04 zip bytes"),
          }),
          idParams(s.id),
        );
      const before = await stateOf(t.db);
      expect((await own.GET(new Request(`${BASE}/submissions/x/verification`), idParams(s.id))).status).toBe(401);
      expect((await upload()).status).toBe(401);
      session.user = other;
      expect((await own.GET(new Request(`${BASE}/submissions/x/verification`), idParams(s.id))).status).toBe(404);
      const refused = await upload();
      expect(refused.status).toBe(404);
      expect(await stateOf(t.db)).toEqual(before);
      session.user = participant;
      const mine = await own.GET(new Request(`${BASE}/submissions/x/verification`), idParams(s.id));
      expect(await mine.json()).toMatchObject({ verification: { status: "requested", canUpload: true, code: null, model: null } });
      // The organizer's own view of an unrequested submission is a 404 too.
      const plain = await scored(participant.id);
      expect((await own.GET(new Request(`${BASE}/submissions/x/verification`), idParams(plain.id))).status).toBe(404);
    });
  });

  describe("bulk rescore", () => {
    it("queues one job per scored submission of the phase, shows progress, is idempotent and audited, and leaves quota and final picks alone", async () => {
      const inPhase = [
        await scored(participant.id, { isFinal: true }),
        await scored(participant.id),
        await scored(other.id),
        // Disqualified entries are rescored too (a reinstated one then has a current score).
        await scored(other.id, { disqualifiedAt: new Date(), disqualifiedReason: "testing" }),
      ];
      await createFixtureSubmission({ db: t.db, userId: participant.id, datasetId, status: "failed", extra: { phaseId } });
      await scored(participant.id, { phaseId: otherPhaseId });
      // Already being scored: its pending job covers it.
      const pending = await scored(other.id);
      await t.db.job.create({ data: { type: "score-submission", payload: { submissionId: pending.id }, submissionId: pending.id } });
      const quotaBefore = await getSubmissionQuota({ db: t.db, userId: participant.id });
      const before = await stateOf(t.db);

      session.user = organizer;
      const preview = await batches.POST(new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { phaseId }, preview: true })));
      expect(await preview.json()).toEqual({ label: "Phase Main", count: 4 });

      const stale = await batches.POST(
        new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { phaseId }, expectedCount: 3 })),
      );
      expect(stale.status).toBe(409);
      expect((await stale.json()).error.message).toContain("4 submissions match now");
      expect(await stateOf(t.db)).toEqual(before);

      const started = await batches.POST(
        new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { phaseId }, expectedCount: 4 })),
      );
      expect(started.status).toBe(202);
      const { batch, created } = await started.json();
      expect(created).toBe(true);
      expect(batch).toMatchObject({ label: "Phase Main", total: 4 });
      const queued = await t.db.job.findMany({ where: { batchId: batch.id }, orderBy: { createdAt: "asc" } });
      expect(queued).toHaveLength(4);
      expect(new Set(queued.map((j) => j.submissionId))).toEqual(new Set(inPhase.map((s) => s.id)));
      expect(queued.every((j) => j.type === "score-submission" && j.status === "queued")).toBe(true);
      expect(queued[0].payload).toMatchObject({ previousPublicMain: 0.5 });

      // A second click while it runs: the same batch, no second set of jobs.
      const again = await batches.POST(new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { phaseId } })));
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ created: false, batch: { id: batch.id } });
      expect(await t.db.job.count({ where: { batchId: { not: null } } })).toBe(4);
      const audit = await t.db.auditEvent.findMany({ where: { action: "rescore.batch" } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorId: organizer.id, targetType: "rescore-batch", targetId: batch.id });
      expect(audit[0].details).toMatchObject({ total: 4, filter: { phaseId } });

      // The owner sees the scored entries as being rescored.
      const mine = await listUserSubmissions({ db: t.db, userId: participant.id, role: "participant" });
      expect(
        mine
          .filter((s) => s.rescoring)
          .map((s) => s.id)
          .sort(),
      ).toEqual([inPhase[0].id, inPhase[1].id].sort());

      const progress = async () => {
        const res = await batches.GET(new Request(`${BASE}/organizer/rescore-batches`));
        return (await res.json()).batches[0];
      };
      expect(await progress()).toMatchObject({
        id: batch.id,
        total: 4,
        counts: { queued: 4, running: 0, done: 0, failed: 0 },
        changed: 0,
        finished: false,
      });

      // Work the queue by hand: one new score, two unchanged, one user failure (the older pending job out of the way first).
      await t.db.job.updateMany({ where: { batchId: null }, data: { status: "done" } });
      const worker = "test-worker";
      const outcomes: ("changed" | "same" | "fail")[] = ["changed", "same", "same", "fail"];
      for (const outcome of outcomes) {
        const job = await claimNextJob({ db: t.db, workerId: worker, leaseMs: 60_000 });
        if (!job) throw new Error("no job to claim");
        if (outcome === "fail") {
          await failJob({ db: t.db, jobId: job.id, workerId: worker, system: false, message: "bad" });
        } else {
          await completeJob({
            db: t.db,
            jobId: job.id,
            workerId: worker,
            commit: async (tx) => {
              if (outcome === "changed") await tx.score.update({ where: { submissionId: job.submissionId! }, data: { publicMain: 0.75 } });
            },
          });
        }
        if (outcome === "changed") expect((await progress()).counts).toMatchObject({ queued: 3, done: 1 });
      }
      expect(await progress()).toMatchObject({ counts: { queued: 0, running: 0, done: 3, failed: 1 }, changed: 1, finished: true });

      // Nothing the participant owns changed besides the scores: quota, final picks, counting flags.
      expect(await getSubmissionQuota({ db: t.db, userId: participant.id })).toEqual(quotaBefore);
      const after = await t.db.submission.findMany({ where: { id: { in: inPhase.map((s) => s.id) } }, orderBy: { id: "asc" } });
      const was = before.submissions.filter((s) => inPhase.some((p) => p.id === s.id));
      expect(after.map((s) => ({ id: s.id, isFinal: s.isFinal, countsAgainstQuota: s.countsAgainstQuota }))).toEqual(
        was.map((s) => ({ id: s.id, isFinal: s.isFinal, countsAgainstQuota: s.countsAgainstQuota })),
      );
    });

    it("takes the submissions list's filter, refuses an empty set and an unknown field, 404 for an unknown phase", async () => {
      const csv = await scored(participant.id);
      await scored(participant.id, { kind: "model" });
      await scored(other.id);
      session.user = organizer;
      const preview = await batches.POST(
        new Request(
          `${BASE}/organizer/rescore-batches`,
          jsonInit({ scope: { filter: { kind: "csv", participant: participant.email } }, preview: true }),
        ),
      );
      expect(await preview.json()).toMatchObject({ count: 1 });
      const res = await batches.POST(
        new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { filter: { kind: "csv", participant: participant.email } } })),
      );
      expect(res.status).toBe(202);
      expect((await t.db.job.findMany()).map((j) => j.submissionId)).toEqual([csv.id]);

      const before = await stateOf(t.db);
      const none = await batches.POST(
        new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { filter: { status: "failed" } } })),
      );
      expect(none.status).toBe(400);
      expect((await none.json()).error.message).toContain("nothing to rescore");
      const unknown = await batches.POST(
        new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { filter: { colour: "red" } } })),
      );
      expect(unknown.status).toBe(400);
      const missing = await batches.POST(new Request(`${BASE}/organizer/rescore-batches`, jsonInit({ scope: { phaseId: "nope" } })));
      expect(missing.status).toBe(404);
      const text = await batches.POST(
        new Request(`${BASE}/organizer/rescore-batches`, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: JSON.stringify({ scope: { phaseId } }),
        }),
      );
      expect(text.status).toBe(400);
      expect(await stateOf(t.db)).toEqual(before);
    });
  });

  describe("verification requests", () => {
    it("asks the top N of the public board in board order (baselines skipped), e-mails each owner once, refuses the unrevealed private board", async () => {
      const third = await createFixtureUser({ db: t.db });
      const best = await scored(other.id);
      await t.db.score.update({ where: { submissionId: best.id }, data: { publicMain: 0.9 } });
      const second = await scored(participant.id);
      await t.db.score.update({ where: { submissionId: second.id }, data: { publicMain: 0.8 } });
      await scored(third.id);
      // A baseline above everyone: a reference, never a winner.
      const baseline = await t.db.baseline.create({ data: { name: `prior-${Date.now()}`, title: "Prior", ownerId: organizer.id } });
      const b = await scored(organizer.id, { baselineId: baseline.id, phaseId: null });
      await t.db.score.update({ where: { submissionId: b.id }, data: { publicMain: 0.95 } });
      const sent: MailMessage[] = [];
      const sendMessage = async ({ message }: { message: MailMessage }) => {
        sent.push(message);
        return { via: "outbox" as const, file: "x" };
      };
      const actor = { id: organizer.id, label: organizer.email };
      const result = await requestVerification({ db: t.db, input: { phaseId, board: "public", top: 2 }, actor, sendMessage });
      expect(result.requested.map((r) => r.submissionId)).toEqual([best.id, second.id]);
      expect(sent.map((m) => m.to)).toEqual([other.email, participant.email]);
      expect(sent[0].link).toContain(`/submissions/${best.id}/verification`);
      const again = await requestVerification({ db: t.db, input: { phaseId, board: "public", top: 2 }, actor, sendMessage });
      expect(again).toMatchObject({ requested: [], alreadyRequested: [best.id, second.id] });
      expect(sent).toHaveLength(2);
      await expect(
        requestVerification({ db: t.db, input: { phaseId, board: "private", top: 2 }, actor, sendMessage }),
      ).rejects.toMatchObject({
        code: "validation",
      });
      await expect(
        requestVerification({ db: t.db, input: { phaseId, board: "public", top: 500 }, actor, sendMessage }),
      ).rejects.toMatchObject({
        code: "validation",
      });
      expect(await t.db.auditEvent.count({ where: { action: "verification.request" } })).toBe(1);
    });
  });

  describe("problem jobs and requeue", () => {
    it("lists expired leases, repeated attempts and system failures; requeues them but not a live or done job", async () => {
      const s = await scored(participant.id, { status: "failed", failureKind: "system", errorMessage: "ours", countsAgainstQuota: false });
      const now = Date.now();
      const make = (data: Record<string, unknown>) =>
        t.db.job.create({ data: { type: "score-submission", payload: { submissionId: s.id }, submissionId: s.id, ...data } });
      const expired = await make({ status: "running", workerId: "dead", leaseExpiresAt: new Date(now - 60_000), attempts: 1 });
      const live = await make({ status: "running", workerId: "alive", leaseExpiresAt: new Date(now + 60_000), attempts: 3 });
      const retrying = await make({ status: "queued", attempts: 2, runAfter: new Date(now + 60_000), lastError: "system: flaky" });
      const systemFailed = await make({ status: "failed", attempts: 1, lastError: "system: disk full\nstack" });
      await make({ status: "failed", attempts: 1, lastError: "user: bad file" });
      const done = await make({ status: "done", attempts: 2 });

      const listed = await listProblemJobs({ db: t.db });
      const byId = new Map(listed.map((j) => [j.id, j]));
      expect(byId.get(expired.id)).toMatchObject({ reasons: ["lease-expired"], requeueable: true });
      expect(byId.get(live.id)).toMatchObject({ reasons: ["repeated-attempts"], requeueable: false });
      expect(byId.get(retrying.id)).toMatchObject({ reasons: ["repeated-attempts"], requeueable: true });
      expect(byId.get(systemFailed.id)).toMatchObject({
        reasons: ["system-failure"],
        lastError: "system: disk full",
        submission: { userEmail: participant.email },
      });
      expect(listed).toHaveLength(4);

      session.user = organizer;
      expect((await (await jobs.GET(new Request(`${BASE}/organizer/jobs`))).json()).jobs).toHaveLength(4);
      const before = await stateOf(t.db);
      for (const refused of [live.id, done.id]) {
        const res = await requeue.POST(new Request(`${BASE}/organizer/jobs/x/requeue`, jsonInit({})), idParams(refused));
        expect(res.status).toBe(409);
      }
      expect((await requeue.POST(new Request(`${BASE}/organizer/jobs/x/requeue`, jsonInit({})), idParams("missing"))).status).toBe(404);
      expect(await stateOf(t.db)).toEqual(before);

      for (const id of [expired.id, retrying.id, systemFailed.id]) {
        const res = await requeue.POST(new Request(`${BASE}/organizer/jobs/x/requeue`, jsonInit({})), idParams(id));
        expect(res.status).toBe(200);
        const job = await t.db.job.findUniqueOrThrow({ where: { id } });
        expect(job).toMatchObject({ status: "queued", attempts: 0, workerId: null, leaseExpiresAt: null, finishedAt: null });
        expect(job.runAfter.getTime()).toBeLessThanOrEqual(Date.now());
      }
      // The dead worker's late completion writes nothing: its lease is gone.
      expect((await completeJob({ db: t.db, jobId: expired.id, workerId: "dead" })).completed).toBe(false);
      // The failed submission waits again, still not counting against the quota.
      expect(await t.db.submission.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
        status: "queued",
        errorMessage: null,
        countsAgainstQuota: false,
      });
      const audit = await t.db.auditEvent.findMany({ where: { action: "job.requeue" }, orderBy: { createdAt: "asc" } });
      expect(audit.map((a) => a.targetId).sort()).toEqual([expired.id, retrying.id, systemFailed.id].sort());
      expect(audit.find((a) => a.targetId === systemFailed.id)!.details).toMatchObject({ lastError: "system: disk full" });
    });
  });
});
