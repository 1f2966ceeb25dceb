import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import type { Db } from "../lib/db/client";
import { session } from "../test-support/auth/fake-current-user";
import { createFixtureDatasetRow, createFixtureSubmission, createSessionUser } from "../test-support/organizer/organizer-fixtures";
import { idParams, jsonInit, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real()));

const phasesRoute = await import("@/app/api/organizer/phases/route");
const phaseRoute = await import("@/app/api/organizer/phases/[id]/route");

const BASE = "http://localhost/api/organizer/phases";
const NEW_PHASE = {
  name: "Final",
  startsAt: "2031-01-01 00:00:00",
  endsAt: "2031-02-01 12:30:45",
  dailyLimit: 3,
  acceptedKinds: ["model"],
};

setUpRouteTest();

/** Everything a refused call must leave as it was. */
async function stateOf(db: Db) {
  const [phases, audit] = await Promise.all([db.phase.findMany({ orderBy: { id: "asc" } }), db.auditEvent.count()]);
  return { phases, audit };
}

describeEachEngine("organizer phase routes", (t) => {
  type SessionUser = NonNullable<typeof session.user>;
  let participant: SessionUser;
  let organizer: SessionUser;
  let usedPhaseId: string;

  useRouteDb(t);
  beforeAll(async () => {
    const dataset = await createFixtureDatasetRow({ db: t.db });
    participant = await createSessionUser({ db: t.db });
    organizer = await createSessionUser({ db: t.db, role: "organizer" });
    usedPhaseId = (
      await t.db.phase.create({
        data: { name: "Development", startsAt: new Date("2030-01-01T00:00:00Z"), endsAt: new Date("2030-12-31T00:00:00Z"), dailyLimit: 5 },
      })
    ).id;
    const submission = await createFixtureSubmission({ db: t.db, userId: participant.id, datasetId: dataset.id });
    await t.db.submission.update({ where: { id: submission.id }, data: { phaseId: usedPhaseId } });
  });
  beforeEach(() => {
    session.user = null;
  });

  it("visitors and participants get 404 on create, edit and delete, and nothing changes", async () => {
    const before = await stateOf(t.db);
    for (const [who, user] of [
      ["visitor", null],
      ["participant", participant],
    ] as const) {
      session.user = user;
      const create = await phasesRoute.POST(new Request(BASE, jsonInit(NEW_PHASE)));
      expect(create.status, `POST as ${who}`).toBe(404);
      const remove = await phaseRoute.DELETE(new Request(`${BASE}/x`, { method: "DELETE" }), idParams(usedPhaseId));
      expect(remove.status, `DELETE as ${who}`).toBe(404);
      const edit = await phaseRoute.PATCH(
        new Request(`${BASE}/x`, jsonInit({ dailyLimit: 0, confirmClosed: true }, "PATCH")),
        idParams(usedPhaseId),
      );
      expect(edit.status, `PATCH as ${who}`).toBe(404);
    }
    expect(await stateOf(t.db)).toEqual(before);
  });

  it("an organizer creates (201), edits with seconds kept, and deletes a phase; each is audited", async () => {
    session.user = organizer;
    const created = await phasesRoute.POST(new Request(BASE, jsonInit(NEW_PHASE)));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toContain("no-store");
    const { phase } = (await created.json()) as { phase: { id: string; endsAt: string; acceptedKinds: string } };
    expect(phase).toMatchObject({ endsAt: "2031-02-01T12:30:45.000Z", acceptedKinds: "model" });

    const edited = await phaseRoute.PATCH(
      new Request(`${BASE}/x`, jsonInit({ endsAt: "2031-02-01T12:30:44Z" }, "PATCH")),
      idParams(phase.id),
    );
    expect(edited.status).toBe(200);
    expect((await t.db.phase.findUniqueOrThrow({ where: { id: phase.id } })).endsAt).toEqual(new Date("2031-02-01T12:30:44Z"));

    const deleted = await phaseRoute.DELETE(new Request(`${BASE}/x`, { method: "DELETE" }), idParams(phase.id));
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: { id: phase.id, name: "Final" } });
    const actions = await t.db.auditEvent.findMany({ where: { targetId: phase.id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((a) => [a.action, a.actorId])).toEqual([
      ["phase.create", organizer.id],
      ["phase.update", organizer.id],
      ["phase.delete", organizer.id],
    ]);
  });

  it("refuses a closed phase without confirmation, a phase with submissions, bad bodies and unknown ids, changing nothing", async () => {
    session.user = organizer;
    const before = await stateOf(t.db);
    const closed = await phasesRoute.POST(new Request(BASE, jsonInit({ ...NEW_PHASE, dailyLimit: 0 })));
    expect(closed.status).toBe(400);
    expect(await closed.json()).toMatchObject({ error: { code: "validation", details: [{ field: "dailyLimit" }] } });
    const patchClosed = await phaseRoute.PATCH(new Request(`${BASE}/x`, jsonInit({ dailyLimit: 0 }, "PATCH")), idParams(usedPhaseId));
    expect(patchClosed.status).toBe(400);

    const inUse = await phaseRoute.DELETE(new Request(`${BASE}/x`, { method: "DELETE" }), idParams(usedPhaseId));
    expect(inUse.status).toBe(409);
    expect(((await inUse.json()) as { error: { message: string } }).error.message).toContain("1 submission");

    const overlap = await phasesRoute.POST(new Request(BASE, jsonInit({ ...NEW_PHASE, startsAt: "2030-06-01 00:00:00" })));
    expect(overlap.status).toBe(400);
    expect(await overlap.json()).toMatchObject({ error: { details: [{ field: "startsAt" }] } });

    const form = await phasesRoute.POST(
      new Request(BASE, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(NEW_PHASE) }),
    );
    expect(form.status).toBe(400);
    expect((await phasesRoute.POST(new Request(BASE, { ...jsonInit(null), body: "{not json" }))).status).toBe(400);
    expect((await phaseRoute.DELETE(new Request(`${BASE}/x`, { method: "DELETE" }), idParams("missing"))).status).toBe(404);
    expect(await stateOf(t.db)).toEqual(before);
  });
});
