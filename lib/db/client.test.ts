import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { Prisma } from "./client";
import { isUniqueViolation } from "./errors";

let counter = 0;
/** Unique per call, so tests never depend on each other's rows. */
const unique = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

describeEachEngine("db client", (t) => {
  const createUser = (data: { passwordHash?: string; role?: string } = {}) =>
    t.db.user.create({ data: { email: `${unique("user")}@example.test`, name: "Ada", ...data } });

  const createDataset = () =>
    t.db.dataset.create({
      data: {
        buildId: unique("build"),
        sourceKind: "synthetic",
        sourcePath: "/data/synthetic",
        totalCount: 100,
        trainCount: 80,
        testCount: 20,
        publicCount: 10,
        privateCount: 10,
        labelStats: { gender: { female: 60, male: 40 } },
        splitSeedHash: "abc",
        preparedAt: new Date("2025-01-02T03:04:05.678Z"),
      },
    });

  it("creates and reads rows with relations", async () => {
    const user = await createUser();
    const dataset = await createDataset();
    const submission = await t.db.submission.create({
      data: {
        userId: user.id,
        datasetId: dataset.id,
        kind: "csv",
        fileKey: unique("blob"),
        fileName: "predictions.csv",
        fileSize: 1234,
        sha256: "0".repeat(64),
        score: {
          create: {
            publicMain: 0.81,
            privateMain: 0.79,
            public: { gender: { f1: 0.9 } },
            private: { gender: { f1: 0.88 } },
            durationMs: 42,
          },
        },
        jobs: { create: { type: "score-submission", payload: { attempt: 1 }, idempotencyKey: unique("job") } },
      },
    });
    expect(submission.status).toBe("queued");
    expect(submission.countsAgainstQuota).toBe(true);
    expect(submission.isFinal).toBe(false);

    const loaded = await t.db.submission.findUniqueOrThrow({
      where: { id: submission.id },
      include: { user: true, dataset: true, score: true, jobs: true },
    });
    expect(loaded.user.email).toBe(user.email);
    expect(loaded.dataset.buildId).toBe(dataset.buildId);
    expect(loaded.score?.publicMain).toBeCloseTo(0.81);
    expect(loaded.jobs).toHaveLength(1);
    expect(loaded.jobs[0].maxAttempts).toBe(3);

    await t.db.submission.update({ where: { id: submission.id }, data: { status: "scored", scoredAt: new Date() } });
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } })).status).toBe("scored");

    // Deleting the submission cascades to its score; the job keeps its row with submissionId = null.
    await t.db.submission.delete({ where: { id: submission.id } });
    expect(await t.db.score.count({ where: { submissionId: submission.id } })).toBe(0);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: loaded.jobs[0].id } })).toMatchObject({ submissionId: null });
  });

  it("surfaces unique violations as P2002", async () => {
    const user = await createUser();
    const duplicate = t.db.user.create({ data: { email: user.email, name: "Eve" } });
    await expect(duplicate).rejects.toSatisfy(isUniqueViolation);
    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);

    await t.db.termsAcceptance.create({ data: { userId: user.id, termsVersion: "v1" } });
    await expect(t.db.termsAcceptance.create({ data: { userId: user.id, termsVersion: "v1" } })).rejects.toSatisfy(isUniqueViolation);
  });

  it("omits the password hash unless asked for", async () => {
    const user = await createUser({ passwordHash: "argon2id$secret" });
    expect(user).not.toHaveProperty("passwordHash");
    const found = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(found).not.toHaveProperty("passwordHash");
    const many = await t.db.user.findMany({ where: { id: user.id } });
    expect(many[0]).not.toHaveProperty("passwordHash");

    const withHash = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(withHash.passwordHash).toBe("argon2id$secret");
    const selected = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(selected.passwordHash).toBe("argon2id$secret");
  });

  it("round-trips BigInt, Json and DateTime", async () => {
    const dataset = await createDataset();
    const big = 2n ** 53n + 7n; // beyond Number.MAX_SAFE_INTEGER
    const file = await t.db.datasetFile.create({
      data: { datasetId: dataset.id, name: "train_000.zip", kind: "train-archive", sizeBytes: big, sha256: "f".repeat(64) },
    });
    expect(file.sizeBytes).toBe(big);
    expect((await t.db.datasetFile.findUniqueOrThrow({ where: { id: file.id } })).sizeBytes).toBe(big);

    const payload = { submissionId: "s1", nested: { list: [1, 2.5, "x", null, true], empty: {} }, unicode: "Zoë ✓" };
    const job = await t.db.job.create({ data: { type: "score-submission", payload } });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).payload).toEqual(payload);

    // Prisma.JsonNull from the shared runtime works on both clients (see prisma/generate.ts).
    await t.db.job.update({ where: { id: job.id }, data: { payload: Prisma.JsonNull } });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).payload).toBeNull();

    expect((await t.db.dataset.findUniqueOrThrow({ where: { id: dataset.id } })).preparedAt.toISOString()).toBe("2025-01-02T03:04:05.678Z");
    expect(dataset.labelStats).toEqual({ gender: { female: 60, male: 40 } });
  });

  it("runs raw SQL and transactions", async () => {
    const user = await createUser();
    const rows = await t.db.$queryRaw<{ n: bigint }[]>(Prisma.sql`SELECT COUNT(*) AS n FROM "User" WHERE "id" = ${user.id}`);
    expect(Number(rows[0].n)).toBe(1);

    await expect(
      t.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { name: "Changed" } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Ada");
  });
});
