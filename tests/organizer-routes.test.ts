import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Dataset } from "../lib/db/client";
import { closeDb } from "../lib/db/client";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { setUpTestEnv } from "../test-support/env/set-up-test-env";
import { session } from "../test-support/auth/fake-current-user";
import { describeEachEngine } from "../test-support/test-db";
import { createFixtureDatasetRow, createFixtureSubmission, createFixtureUser } from "../test-support/organizer/organizer-fixtures";

// Route modules are Next.js code: "server-only" throws outside a react-server bundle.
vi.mock("server-only", () => ({}));

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));

const stats = await import("@/app/api/organizer/stats/route");
const submissions = await import("@/app/api/organizer/submissions/route");
const rescore = await import("@/app/api/organizer/submissions/[id]/rescore/route");
const disqualify = await import("@/app/api/organizer/submissions/[id]/disqualify/route");
const reinstate = await import("@/app/api/organizer/submissions/[id]/reinstate/route");
const phases = await import("@/app/api/organizer/phases/[id]/route");
const downloads = await import("@/app/api/organizer/downloads/route");
const labels = await import("@/app/api/organizer/labels/route");

const BASE = "http://localhost/api/organizer";
const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

const fixture = setUpScoringFixture({ count: 120 });
const { setTestEnv } = setUpTestEnv();

beforeAll(async () => {
  // The routes log who did what; keep the test output readable.
  vi.spyOn(console, "info").mockImplementation(() => {});
});
afterAll(async () => {
  await closeDb();
});

describeEachEngine("organizer routes", (t) => {
  let dataset: Dataset;
  let participant: { id: string; email: string; name: string; role: "participant" };
  let organizer: { id: string; email: string; name: string; role: "organizer" };
  let submissionId: string;
  let phaseId: string;

  beforeAll(async () => {
    // The routes use the process-wide client: point it at this suite's database.
    setTestEnv({ DATABASE_URL: t.url, DATA_DIR: fixture.dataDir });
    dataset = await createFixtureDatasetRow({ db: t.db });
    const p = await createFixtureUser({ db: t.db });
    const o = await createFixtureUser({ db: t.db, role: "organizer" });
    participant = { id: p.id, email: p.email, name: p.name, role: "participant" };
    organizer = { id: o.id, email: o.email, name: o.name, role: "organizer" };
    submissionId = (await createFixtureSubmission({ db: t.db, userId: p.id, datasetId: dataset.id })).id;
    phaseId = (
      await t.db.phase.create({
        data: { name: "P", startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 86_400_000), dailyLimit: 5 },
      })
    ).id;
  });

  /** Every organizer route, called as it would be from the dashboard. */
  const calls: [string, () => Promise<Response>][] = [
    ["GET stats", () => stats.GET()],
    ["GET submissions", () => submissions.GET(new Request(`${BASE}/submissions?limit=10`))],
    ["POST rescore", () => rescore.POST(new Request(`${BASE}/submissions/x/rescore`, json({})), params(submissionId))],
    [
      "POST disqualify",
      () => disqualify.POST(new Request(`${BASE}/submissions/x/disqualify`, json({ reason: "Testing the route" })), params(submissionId)),
    ],
    ["POST reinstate", () => reinstate.POST(new Request(`${BASE}/submissions/x/reinstate`, json({})), params(submissionId))],
    ["PATCH phase", () => phases.PATCH(new Request(`${BASE}/phases/x`, { ...json({ dailyLimit: 4 }), method: "PATCH" }), params(phaseId))],
    ["GET downloads", () => downloads.GET(new Request(`${BASE}/downloads`))],
    ["GET labels", () => labels.GET(new Request(`${BASE}/labels`))],
  ];

  describe("access", () => {
    it.each(calls)("%s: 401 signed out, 403 for a participant, 2xx for an organizer", async (_name, call) => {
      session.user = null;
      const anonymous = await call();
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });

      session.user = participant;
      const forbidden = await call();
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ error: { code: "forbidden" } });

      session.user = organizer;
      const allowed = await call();
      expect([200, 202]).toContain(allowed.status);
      expect(allowed.headers.get("cache-control")).toContain("no-store");
    });
  });

  it("the labels route gives organizers the hidden labels and participants nothing of them", async () => {
    session.user = participant;
    const refused = await labels.GET(new Request(`${BASE}/labels`));
    const refusedText = await refused.text();
    expect(refused.status).toBe(403);
    for (const row of fixture.labels.slice(0, 20)) expect(refusedText).not.toContain(row.Image_Id);

    session.user = organizer;
    const res = await labels.GET(new Request(`${BASE}/labels`));
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("Image_Id,Split,Gender,Hair_Color,Hair_Type");
    expect(lines).toHaveLength(fixture.labels.length + 1);
    const first = fixture.labels[0];
    expect(lines).toContain([first.Image_Id, first.Split, first.Gender, first.Hair_Color, first.Hair_Type].join(","));
  });

  it("action routes validate their bodies and refuse non-JSON requests", async () => {
    session.user = organizer;
    const form = await disqualify.POST(
      new Request(`${BASE}/submissions/x/disqualify`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: '{"reason":"csrf attempt"}',
      }),
      params(submissionId),
    );
    expect(form.status).toBe(400);
    expect((await t.db.submission.findUnique({ where: { id: submissionId } }))?.disqualifiedReason).not.toBe("csrf attempt");

    const empty = await disqualify.POST(new Request(`${BASE}/submissions/x/disqualify`, json({})), params(submissionId));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: "validation", details: [{ field: "reason" }] } });

    const badPhase = await phases.PATCH(
      new Request(`${BASE}/phases/x`, { ...json({ startsAt: "2030-01-02T00:00:00Z", endsAt: "2030-01-01T00:00:00Z" }), method: "PATCH" }),
      params(phaseId),
    );
    expect(badPhase.status).toBe(400);
    expect(await badPhase.json()).toMatchObject({ error: { details: [{ field: "endsAt" }] } });

    const missing = await rescore.POST(new Request(`${BASE}/submissions/x/rescore`, json({})), params("no-such-submission"));
    expect(missing.status).toBe(404);
  });

  it("rescore through the route is idempotent while the job is pending", async () => {
    session.user = organizer;
    const first = await (await rescore.POST(new Request(`${BASE}/submissions/x/rescore`, json({})), params(submissionId))).json();
    const second = await (await rescore.POST(new Request(`${BASE}/submissions/x/rescore`, json({})), params(submissionId))).json();
    expect(second).toMatchObject({ jobId: first.jobId, alreadyPending: true });
  });
});

describe("hidden labels reach no other route", () => {
  it("only app/api/organizer/labels imports the modules that read them", () => {
    const root = path.resolve(__dirname, "..");
    const readers = /(read-hidden-labels|export-labels|get-hidden-labels-csv|load-hidden-labels)["']/;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|tsx)$/.test(entry.name) && readers.test(fs.readFileSync(full, "utf8"))) offenders.push(path.relative(root, full));
      }
    };
    walk(path.join(root, "app"));
    expect(offenders).toEqual([path.join("app", "api", "organizer", "labels", "route.ts")]);
  });
});
