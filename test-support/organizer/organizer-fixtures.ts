import { randomBytes } from "node:crypto";
import type { CurrentUser } from "../../lib/auth/get-current-user";
import type { Db, Submission } from "../../lib/db/client";

/** Test-only rows for the organizer operations: no files, random ids, so suites never collide. */

const tag = () => randomBytes(6).toString("hex");

export async function createFixtureUser(options: { db: Db; role?: "participant" | "organizer"; email?: string }) {
  const t = tag();
  return options.db.user.create({
    data: { email: options.email ?? `user-${t}@example.test`, name: `User ${t}`, role: options.role ?? "participant" },
  });
}

export async function createFixtureDatasetRow(options: { db: Db }) {
  return options.db.dataset.create({
    data: {
      buildId: `build-${tag()}`,
      sourceKind: "synthetic",
      sourcePath: "/nowhere",
      totalCount: 10,
      trainCount: 8,
      testCount: 2,
      publicCount: 1,
      privateCount: 1,
      labelStats: {},
      splitSeedHash: "x",
      preparedAt: new Date(),
      isCurrent: true,
    },
  });
}

export async function createFixtureSubmission(options: {
  db: Db;
  userId: string;
  datasetId: string;
  status?: "queued" | "running" | "scored" | "failed";
  extra?: Partial<Submission>;
  createdAt?: Date;
}) {
  const { db } = options;
  const status = options.status ?? "scored";
  const submission = await db.submission.create({
    data: {
      userId: options.userId,
      datasetId: options.datasetId,
      kind: "csv",
      status,
      fileKey: `submissions/test/${tag()}/upload`,
      fileName: "preds.csv",
      fileSize: 100,
      sha256: "0".repeat(64),
      createdAt: options.createdAt,
      ...(status === "failed"
        ? { errorMessage: "We could not score this submission", failureKind: "system", countsAgainstQuota: false }
        : {}),
      ...options.extra,
    },
  });
  if (status === "scored") {
    await db.score.create({
      data: { submissionId: submission.id, publicMain: 0.5, privateMain: 0.4, public: {}, private: {}, durationMs: 5 },
    });
  }
  return submission;
}

/** A fixture user as the fake session holds it (test-support/auth/fake-current-user): sign in with `session.user = …`. */
export async function createSessionUser(options: { db: Db; role?: "participant" | "organizer"; email?: string }): Promise<CurrentUser> {
  const user = await createFixtureUser(options);
  return { id: user.id, email: user.email, name: user.name, role: options.role ?? "participant" };
}
