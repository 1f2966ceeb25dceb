import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Dataset } from "../lib/db/client";
import type { CurrentUser } from "../lib/auth/get-current-user";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { idParams, jsonInit, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { session } from "../test-support/auth/fake-current-user";
import { describeEachEngine } from "../test-support/test-db";
import { createFixtureDatasetRow, createFixtureSubmission, createSessionUser } from "../test-support/organizer/organizer-fixtures";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const stats = await import("@/app/api/organizer/stats/route");
const submissions = await import("@/app/api/organizer/submissions/route");
const rescore = await import("@/app/api/organizer/submissions/[id]/rescore/route");
const disqualify = await import("@/app/api/organizer/submissions/[id]/disqualify/route");
const reinstate = await import("@/app/api/organizer/submissions/[id]/reinstate/route");
const phases = await import("@/app/api/organizer/phases/[id]/route");
const downloads = await import("@/app/api/organizer/downloads/route");
const labels = await import("@/app/api/organizer/labels/route");

const BASE = "http://localhost/api/organizer";

const fixture = setUpScoringFixture({ count: 120 });
const { setTestEnv } = setUpRouteTest();

describeEachEngine("organizer routes", (t) => {
  let dataset: Dataset;
  let participant: CurrentUser;
  let organizer: CurrentUser;
  let submissionId: string;
  let phaseId: string;

  useRouteDb(t);
  beforeAll(async () => {
    setTestEnv({ DATA_DIR: fixture.dataDir });
    dataset = await createFixtureDatasetRow({ db: t.db });
    participant = await createSessionUser({ db: t.db });
    organizer = await createSessionUser({ db: t.db, role: "organizer" });
    submissionId = (await createFixtureSubmission({ db: t.db, userId: participant.id, datasetId: dataset.id })).id;
    phaseId = (
      await t.db.phase.create({
        data: { name: "P", startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 86_400_000), dailyLimit: 5 },
      })
    ).id;
  });

  /** Every organizer route, called as it would be from the dashboard. */
  const calls: [string, () => Promise<Response>][] = [
    ["GET stats", () => stats.GET(new Request(`${BASE}/stats`))],
    ["GET submissions", () => submissions.GET(new Request(`${BASE}/submissions?limit=10`))],
    ["POST rescore", () => rescore.POST(new Request(`${BASE}/submissions/x/rescore`, jsonInit({})), idParams(submissionId))],
    [
      "POST disqualify",
      () =>
        disqualify.POST(new Request(`${BASE}/submissions/x/disqualify`, jsonInit({ reason: "Testing the route" })), idParams(submissionId)),
    ],
    ["POST reinstate", () => reinstate.POST(new Request(`${BASE}/submissions/x/reinstate`, jsonInit({})), idParams(submissionId))],
    ["PATCH phase", () => phases.PATCH(new Request(`${BASE}/phases/x`, jsonInit({ dailyLimit: 4 }, "PATCH")), idParams(phaseId))],
    ["GET downloads", () => downloads.GET(new Request(`${BASE}/downloads`))],
    ["GET labels", () => labels.GET(new Request(`${BASE}/labels`))],
  ];

  describe("access", () => {
    // The console, the labels export included, is invisible to anyone else (404), as the
    // participant journey (e2e) checks too.
    it.each(calls)("%s: 404 signed out and for a participant, 2xx for an organizer", async (_name, call) => {
      session.user = null;
      const anonymous = await call();
      expect(anonymous.status).toBe(404);
      expect(await anonymous.json()).toMatchObject({ error: { code: "not-found" } });

      session.user = participant;
      const forbidden = await call();
      expect(forbidden.status).toBe(404);
      expect(await forbidden.json()).toMatchObject({ error: { code: "not-found" } });

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
    expect(refused.status).toBe(404);
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
      idParams(submissionId),
    );
    expect(form.status).toBe(400);
    expect((await t.db.submission.findUnique({ where: { id: submissionId } }))?.disqualifiedReason).not.toBe("csrf attempt");

    const empty = await disqualify.POST(new Request(`${BASE}/submissions/x/disqualify`, jsonInit({})), idParams(submissionId));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: "validation", details: [{ field: "reason" }] } });

    const badPhase = await phases.PATCH(
      new Request(`${BASE}/phases/x`, jsonInit({ startsAt: "2030-01-02T00:00:00Z", endsAt: "2030-01-01T00:00:00Z" }, "PATCH")),
      idParams(phaseId),
    );
    expect(badPhase.status).toBe(400);
    expect(await badPhase.json()).toMatchObject({ error: { details: [{ field: "endsAt" }] } });

    const missing = await rescore.POST(new Request(`${BASE}/submissions/x/rescore`, jsonInit({})), idParams("no-such-submission"));
    expect(missing.status).toBe(404);
  });

  it("rescore through the route is idempotent while the job is pending", async () => {
    session.user = organizer;
    const first = await (await rescore.POST(new Request(`${BASE}/submissions/x/rescore`, jsonInit({})), idParams(submissionId))).json();
    const second = await (await rescore.POST(new Request(`${BASE}/submissions/x/rescore`, jsonInit({})), idParams(submissionId))).json();
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
