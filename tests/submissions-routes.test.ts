/*
 * The HTTP layer of submissions: the upload route's size limits (before and while reading the
 * body), line-numbered validation errors, and per-user access to details and files. The
 * session is mocked; everything else (database, blob store, validation) is real.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { createTestUser, predictionsCsv, registerFixtureDataset } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { uploadsDir } from "../lib/storage/local-disk-blob-store";
import { session } from "../test-support/auth/fake-current-user";
import { setUpTestEnv } from "../test-support/env/set-up-test-env";
import { idParams, useRouteDb } from "../test-support/routes/route-test";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const uploadRoute = await import("@/app/api/submissions/route");
const detailRoute = await import("@/app/api/submissions/[id]/route");
const fileRoute = await import("@/app/api/submissions/[id]/file/route");
const finalRoute = await import("@/app/api/submissions/final/route");

const MAX_CSV_BYTES = 64 * 1024;
const fixture = setUpScoringFixture({ count: 120 });
const { setTestEnv } = setUpTestEnv();
beforeAll(() => setTestEnv({ DATA_DIR: fixture.dataDir, MAX_CSV_BYTES: String(MAX_CSV_BYTES), BLOB_STORE: "disk" }));

/** Files under the uploads folder, partial ones included. */
function storedFiles(): string[] {
  const root = uploadsDir(fixture.dataDir);
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
}

/** A body that counts what the server pulled from it. */
function countingBody(chunks: Iterable<Uint8Array>) {
  const it = chunks[Symbol.iterator]();
  const seen = { pulls: 0, bytes: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        const next = it.next();
        if (next.done) controller.close();
        else {
          seen.bytes += next.value.length;
          controller.enqueue(next.value);
        }
      },
    },
    { highWaterMark: 0 },
  );
  return { body, seen };
}

function upload(query: string, init: { body?: BodyInit | ReadableStream<Uint8Array>; headers?: Record<string, string> }) {
  return uploadRoute.POST(
    new Request(`http://localhost/api/submissions?${query}`, {
      method: "POST",
      body: init.body,
      headers: init.headers,
      duplex: "half",
    } as RequestInit),
  );
}

describeEachEngine("submissions routes", (t) => {
  useRouteDb(t);
  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });
  beforeEach(async () => {
    await t.db.job.deleteMany();
    await t.db.submission.deleteMany();
    fs.rmSync(uploadsDir(fixture.dataDir), { recursive: true, force: true });
    const user = await createTestUser({ db: t.db });
    session.user = { id: user.id, email: user.email, name: user.name, role: "participant" };
  });

  it("refuses an over-limit Content-Length with 413 without reading the body", async () => {
    const { body, seen } = countingBody([Buffer.alloc(1024, "a")]);
    const res = await upload("fileName=big.csv", { body, headers: { "content-length": String(MAX_CSV_BYTES + 1) } });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({
      code: "too-large",
      message: expect.stringContaining("limit for a predictions CSV is 65.5 kB"),
    });
    expect(seen.pulls).toBe(0);
    expect(await t.db.submission.count()).toBe(0);
  });

  it("cuts off a chunked body over the limit: 413, nothing stored, the rest never read", async () => {
    const chunk = Buffer.alloc(8 * 1024, "a");
    const { body, seen } = countingBody(Array.from({ length: 64 }, () => chunk)); // 512 KB, 8x the limit
    const res = await upload("fileName=big.csv", { body });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("too-large");
    expect(seen.bytes).toBeLessThanOrEqual(MAX_CSV_BYTES + 4 * chunk.length);
    expect(await t.db.submission.count()).toBe(0);
    expect(await t.db.job.count()).toBe(0);
    expect(storedFiles()).toEqual([]);
  });

  it("answers a bad CSV with 400 and the problems by line", async () => {
    const lines = predictionsCsv({ fixture }).trimEnd().split("\n");
    lines[3] = lines[3].replace(/,[a-z]+,([a-z]+)$/, ",red,$1");
    const res = await upload("fileName=bad.csv&description=first", { body: lines.join("\n") });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("validation");
    expect(error.details).toEqual([{ line: 4, message: expect.stringContaining('Hair_Color "red"') }]);
    expect(storedFiles()).toEqual([]);
  });

  it("stores a good CSV (kind from the extension), lists it, and shows it and its file to its owner only", async () => {
    const csv = predictionsCsv({ fixture });
    const res = await upload(`fileName=${encodeURIComponent("préds.csv")}&description=hello`, {
      body: csv,
      headers: { "content-length": String(Buffer.byteLength(csv)) },
    });
    expect(res.status).toBe(201);
    const { submission, quota } = await res.json();
    expect(submission).toMatchObject({ kind: "csv", fileName: "préds.csv", description: "hello", status: "queued" });
    expect(quota).toMatchObject({ used: 1, remaining: 4 });
    expect(res.headers.get("location")).toBe(`/submissions/${submission.id}`);

    const list = await (await uploadRoute.GET(new Request("http://test/api/submissions"))).json();
    expect(list.submissions.map((s: { id: string }) => s.id)).toEqual([submission.id]);

    const detail = await detailRoute.GET(new Request("http://localhost"), idParams(submission.id));
    expect(detail.status).toBe(200);
    const file = await fileRoute.GET(new Request("http://localhost"), idParams(submission.id));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toContain("filename*=UTF-8''pr%C3%A9ds.csv");
    expect(await file.text()).toBe(csv);

    const other = await createTestUser({ db: t.db });
    session.user = { id: other.id, email: other.email, name: other.name, role: "participant" };
    for (const res of [
      await detailRoute.GET(new Request("http://localhost"), idParams(submission.id)),
      await fileRoute.GET(new Request("http://localhost"), idParams(submission.id)),
    ]) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not-found");
    }
    expect((await (await uploadRoute.GET(new Request("http://test/api/submissions"))).json()).submissions).toEqual([]);
    const final = await finalRoute.PUT(
      new Request("http://localhost", { method: "PUT", body: JSON.stringify({ submissionIds: [submission.id] }) }),
    );
    expect(final.status).toBe(400);

    session.user = null;
    expect((await uploadRoute.GET(new Request("http://test/api/submissions"))).status).toBe(401);
    expect((await fileRoute.GET(new Request("http://localhost"), idParams(submission.id))).status).toBe(401);
  });

  it("answers 429 with Retry-After once the day's quota is used, before reading the body", async () => {
    const now = Date.now();
    const phase = await t.db.phase.create({
      data: { name: "p", startsAt: new Date(now - 60_000), endsAt: new Date(now + 3_600_000), dailyLimit: 1 },
    });
    try {
      expect((await upload("fileName=a.csv", { body: predictionsCsv({ fixture }) })).status).toBe(201);
      const { body, seen } = countingBody([Buffer.from(predictionsCsv({ fixture }))]);
      const res = await upload("fileName=b.csv", { body });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await res.json()).error.code).toBe("quota-exceeded");
      expect(seen.bytes).toBe(0);
    } finally {
      // Its submission keeps the phase (onDelete: Restrict): detach it, then remove the phase.
      await t.db.submission.updateMany({ where: { phaseId: phase.id }, data: { phaseId: null } });
      await t.db.phase.delete({ where: { id: phase.id } });
    }
  });

  it("refuses unknown file types, cross-site posts, and a malformed manifest header", async () => {
    expect((await upload("fileName=preds.xlsx", { body: "x" })).status).toBe(400);
    expect((await upload("fileName=preds.csv", { body: "x", headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    const res = await upload("fileName=model.onnx", { body: "x", headers: { "x-submission-manifest": '{"format":"onnx"}' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details).toEqual([{ field: "manifestJson", message: expect.stringContaining("base64") }]);
  });
});
