import { beforeEach, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { appError } from "../../test-support/app-error-of";
import { createFixtureDatasetRow, createFixtureSubmission, createFixtureUser } from "../../test-support/organizer/organizer-fixtures";
import type { AuditActor } from "../audit/audit-actor";
import { createPhase } from "./create-phase";
import { deletePhase } from "./delete-phase";
import { phaseChangeEpoch } from "./phase-change-epoch";
import { updatePhase } from "./update-phase";

const actor: AuditActor = { id: null, label: "org@example.test", ip: "203.0.113.9" };
/** A valid new phase in the site's own time format (seconds kept). */
const base = {
  name: "Development",
  startsAt: "2026-07-01 08:00:07",
  endsAt: "2026-08-01 23:59:59",
  dailyLimit: 5,
};

describeEachEngine("phase management", (t) => {
  beforeEach(async () => {
    await t.db.auditEvent.deleteMany();
    await t.db.submission.deleteMany();
    await t.db.phase.deleteMany();
  });

  it("creates a phase with exact times, its settings and an audit record of them", async () => {
    const epoch = phaseChangeEpoch();
    const phase = await createPhase({
      db: t.db,
      actor,
      input: {
        ...base,
        acceptedKinds: ["model"],
        maxFinal: 1,
        teamSizeCap: 3,
        mergeDeadline: "2026-07-20T12:00:30+02:00",
        description: "  Models only.  ",
      },
    });
    expect(phase).toMatchObject({
      name: "Development",
      track: "attributes",
      startsAt: new Date("2026-07-01T08:00:07Z"),
      endsAt: new Date("2026-08-01T23:59:59Z"),
      acceptedKinds: "model",
      maxFinal: 1,
      teamSizeCap: 3,
      mergeDeadline: new Date("2026-07-20T10:00:30Z"),
      description: "Models only.",
      privateRevealed: false,
    });
    expect(phaseChangeEpoch()).toBe(epoch + 1);
    const events = await t.db.auditEvent.findMany();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "phase.create", targetType: "phase", targetId: phase.id, actorLabel: actor.label });
    expect(events[0].details).toMatchObject({
      after: { name: "Development", startsAt: "2026-07-01T08:00:07.000Z", acceptedKinds: "model", teamSizeCap: 3 },
    });
    // Kinds are stored in one order whatever order they came in.
    const both = await createPhase({
      db: t.db,
      input: { ...base, name: "B", track: "generation", acceptedKinds: ["images", "generator"] },
    });
    expect(both.acceptedKinds).toBe("generator,images");
  });

  it("refuses an end before the start, a taken name, an overlap within the track and bad fields, all at once, creating nothing", async () => {
    await createPhase({ db: t.db, input: base });
    const err = await appError(
      createPhase({
        db: t.db,
        input: { ...base, name: " development ", startsAt: "2026-07-10 00:00:00", endsAt: "2026-07-09 00:00:00", acceptedKinds: [] },
      }),
    );
    expect(err.code).toBe("validation");
    expect(err.details?.map((d) => d.field).sort()).toEqual(["acceptedKinds"]);
    // The kinds fixed, the rules across fields and phases speak.
    const rules = await appError(
      createPhase({ db: t.db, input: { ...base, name: " development ", startsAt: "2026-07-10 00:00:00", endsAt: "2026-07-09 00:00:00" } }),
    );
    expect(rules.details).toEqual(
      expect.arrayContaining([
        { field: "endsAt", message: "must be after the start" },
        { field: "name", message: 'another phase is already called "development"' },
      ]),
    );
    const overlap = await appError(
      createPhase({ db: t.db, input: { ...base, name: "Final", startsAt: "2026-07-31 00:00:00", endsAt: "2026-08-10 00:00:00" } }),
    );
    expect(overlap.details).toEqual([
      {
        field: "startsAt",
        message:
          'overlaps "Development" (2026-07-01 08:00:07 UTC – 2026-08-01 23:59:59 UTC) of the same track: phases of one track must not overlap',
      },
    ]);
    for (const input of [
      { ...base, name: "X", startsAt: "2026-02-30 00:00:00" },
      { ...base, name: "X", acceptedKinds: ["pdf"] },
      { ...base, name: "X", track: "speech" },
      { ...base, name: "X", teamSizeCap: 0 },
      { ...base, name: "X", mergeDeadline: "2030-01-01 00:00:00" },
      { ...base, name: "X", extra: true },
      { name: "X" },
    ]) {
      expect((await appError(createPhase({ db: t.db, input }))).code, JSON.stringify(input)).toBe("validation");
    }
    expect(await t.db.phase.count()).toBe(1);
    // Back to back (the end is exclusive) and other tracks do not overlap.
    await createPhase({ db: t.db, input: { ...base, name: "Final", startsAt: "2026-08-01 23:59:59", endsAt: "2026-08-10 00:00:00" } });
    await createPhase({ db: t.db, input: { ...base, name: "Generation", track: "generation" } });
    expect(await t.db.phase.count()).toBe(3);
  });

  it("needs confirmClosed to set a daily limit of 0, and not again to keep it", async () => {
    const closedNew = await appError(createPhase({ db: t.db, input: { ...base, dailyLimit: 0 } }));
    expect(closedNew).toMatchObject({ code: "validation", details: [{ field: "dailyLimit" }] });
    expect(closedNew.userMessage).toMatch(/daily limit of 0/);
    expect(await t.db.phase.count()).toBe(0);

    const phase = await createPhase({ db: t.db, input: base });
    const refused = await appError(updatePhase({ db: t.db, phaseId: phase.id, input: { dailyLimit: 0 } }));
    expect(refused.details).toEqual([{ field: "dailyLimit", message: expect.stringContaining("confirmClosed") }]);
    expect((await t.db.phase.findUniqueOrThrow({ where: { id: phase.id } })).dailyLimit).toBe(5);
    expect(await appError(updatePhase({ db: t.db, phaseId: phase.id, input: { dailyLimit: 0, confirmClosed: "yes" } }))).toMatchObject({
      code: "validation",
    });

    await updatePhase({ db: t.db, phaseId: phase.id, input: { dailyLimit: 0, confirmClosed: true } });
    // Already closed: saving other fields with 0 needs no new confirmation.
    expect(await updatePhase({ db: t.db, phaseId: phase.id, input: { dailyLimit: 0, name: "Paused" } })).toMatchObject({
      dailyLimit: 0,
      name: "Paused",
    });
  });

  it("edits keep seconds, record before and after, and a reveal or hide under its own action", async () => {
    const phase = await createPhase({ db: t.db, input: base });
    await t.db.auditEvent.deleteMany();
    const edited = await updatePhase({
      db: t.db,
      phaseId: phase.id,
      actor,
      input: { endsAt: "2026-08-01 23:59:58", acceptedKinds: ["model"], description: "Final stretch" },
    });
    expect(edited.endsAt).toEqual(new Date("2026-08-01T23:59:58Z"));
    const [event] = await t.db.auditEvent.findMany();
    expect(event).toMatchObject({ action: "phase.update", targetId: phase.id });
    expect(event.details).toEqual({
      name: "Development",
      before: { endsAt: "2026-08-01T23:59:59.000Z", acceptedKinds: "csv,model", description: "" },
      after: { endsAt: "2026-08-01T23:59:58.000Z", acceptedKinds: "model", description: "Final stretch" },
    });
    // Another phase of the track cannot be moved onto this one.
    const other = await createPhase({
      db: t.db,
      input: { ...base, name: "Final", startsAt: "2026-09-01 00:00:00", endsAt: "2026-09-30 00:00:00" },
    });
    expect((await appError(updatePhase({ db: t.db, phaseId: other.id, input: { startsAt: "2026-08-01 00:00:00" } }))).details).toEqual([
      { field: "startsAt", message: expect.stringContaining('overlaps "Development"') },
    ]);

    await updatePhase({ db: t.db, phaseId: phase.id, actor, input: { privateRevealed: true } });
    await updatePhase({ db: t.db, phaseId: phase.id, actor, input: { privateRevealed: false } });
    const actions = (await t.db.auditEvent.findMany({ orderBy: { createdAt: "asc" } })).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(["phase.reveal", "phase.hide"]);
  });

  it("deletes a phase without submissions (audited) and refuses one with submissions, changing nothing", async () => {
    const dataset = await createFixtureDatasetRow({ db: t.db });
    const user = await createFixtureUser({ db: t.db });
    const used = await createPhase({ db: t.db, input: base });
    const spare = await createPhase({
      db: t.db,
      input: { ...base, name: "Spare", startsAt: "2026-09-01 00:00:00", endsAt: "2026-09-02 00:00:00" },
    });
    const submission = await createFixtureSubmission({ db: t.db, userId: user.id, datasetId: dataset.id });
    await t.db.submission.update({ where: { id: submission.id }, data: { phaseId: used.id } });
    await t.db.auditEvent.deleteMany();

    const refused = await appError(deletePhase({ db: t.db, phaseId: used.id, actor }));
    expect(refused.code).toBe("conflict");
    expect(refused.userMessage).toBe('"Development" cannot be deleted: it has 1 submission. Shorten the phase (move its end) instead.');
    expect(await t.db.phase.count()).toBe(2);
    expect(await t.db.auditEvent.count()).toBe(0);

    expect(await deletePhase({ db: t.db, phaseId: spare.id, actor })).toMatchObject({ id: spare.id });
    expect(await t.db.phase.findUnique({ where: { id: spare.id } })).toBeNull();
    const [event] = await t.db.auditEvent.findMany();
    expect(event).toMatchObject({ action: "phase.delete", targetId: spare.id, details: { name: "Spare", before: { name: "Spare" } } });
    expect((await appError(deletePhase({ db: t.db, phaseId: spare.id }))).code).toBe("not-found");
  });

  it("a phase takes its track's kinds: a generation phase opens taking generators and images, never CSVs", async () => {
    const generation = await createPhase({ db: t.db, input: { ...base, name: "Generate", track: "generation" } });
    expect(generation.acceptedKinds).toBe("generator,images");
    const attributes = await createPhase({ db: t.db, input: { ...base, name: "Predict" } });
    expect(attributes.acceptedKinds).toBe("csv,model");

    const refused = await appError(
      createPhase({
        db: t.db,
        input: {
          ...base,
          name: "Mixed",
          startsAt: "2026-09-01 00:00:00",
          endsAt: "2026-09-02 00:00:00",
          track: "generation",
          acceptedKinds: ["csv", "generator"],
        },
      }),
    );
    expect(refused.details).toContainEqual({
      field: "acceptedKinds",
      message: "the generation track does not take csv (it takes generator, images)",
    });
    const edit = await appError(updatePhase({ db: t.db, phaseId: generation.id, actor, input: { acceptedKinds: ["model"] } }));
    expect(edit.details).toContainEqual({
      field: "acceptedKinds",
      message: "the generation track does not take model (it takes generator, images)",
    });
    expect((await t.db.phase.findUniqueOrThrow({ where: { id: generation.id } })).acceptedKinds).toBe("generator,images");
    expect(await t.db.phase.count()).toBe(2);
  });
});
