import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../lib/auth/create-api-token";
import { createSession } from "../lib/auth/create-session";
import { resolveApiToken } from "../lib/auth/resolve-api-token";
import { resolveSession } from "../lib/auth/resolve-session";
import type { Db } from "../lib/db/client";
import { getLeaderboardSnapshot } from "../lib/leaderboard/get-leaderboard-snapshot";
import { runUsersCommand } from "../lib/organizer/run-users-command";
import { setUserStatus } from "../lib/organizer/set-user-status";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { jsonInit, routeParams, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { session } from "../test-support/auth/fake-current-user";
import { describeEachEngine } from "../test-support/test-db";
import {
  createFixtureDatasetRow,
  createFixtureSubmission,
  createFixtureUser,
  createSessionUser,
} from "../test-support/organizer/organizer-fixtures";

// The routes read only the session (never a token): fake-current-user says who is signed in.
vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const exportRoute = await import("@/app/api/organizer/export/[file]/route");
const statusRoute = await import("@/app/api/organizer/participants/[id]/status/route");
const fileRoute = await import("@/app/api/organizer/submissions/[id]/file/route");
const disqualifyRoute = await import("@/app/api/organizer/submissions/[id]/disqualify/route");
const phaseRoute = await import("@/app/api/organizer/phases/[id]/route");
const labelsRoute = await import("@/app/api/organizer/labels/route");

const BASE = "http://localhost/api/organizer";
const EXPORTS = ["participants", "acceptances", "downloads", "submissions", "audit"] as const;

const fixture = setUpScoringFixture({ count: 60 });
const { setTestEnv } = setUpRouteTest();

/** Everything a refused call must leave as it was. */
async function stateOf(db: Db) {
  const [users, audit, sessions, submissions] = await Promise.all([
    db.user.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, statusReason: true, role: true } }),
    db.auditEvent.count(),
    db.session.count(),
    db.submission.findMany({ orderBy: { id: "asc" }, select: { id: true, disqualifiedAt: true } }),
  ]);
  return { users, audit, sessions, submissions };
}

describeEachEngine("organizer console", (t) => {
  type SessionUser = NonNullable<typeof session.user>;
  let participant: SessionUser;
  let organizer: SessionUser;
  let submissionId: string;
  let phaseId: string;
  let token: string;

  useRouteDb(t);
  beforeAll(async () => {
    setTestEnv({ DATA_DIR: fixture.dataDir });
    const dataset = await createFixtureDatasetRow({ db: t.db });
    const p = await createFixtureUser({ db: t.db, email: "=cmd@example.test" });
    await t.db.user.update({ where: { id: p.id }, data: { name: "=HYPERLINK(1)", emailVerifiedAt: new Date() } });
    participant = { id: p.id, email: p.email, name: "=HYPERLINK(1)", role: "participant" };
    organizer = await createSessionUser({ db: t.db, role: "organizer" });
    // A real uploaded file in the disk blob store, so the organizer file route streams bytes.
    const key = `test/${p.id}.csv`;
    fs.mkdirSync(path.join(fixture.dataDir, "uploads", "test"), { recursive: true });
    const sub = await createFixtureSubmission({ db: t.db, userId: p.id, datasetId: dataset.id, extra: { fileKey: key } });
    submissionId = sub.id;
    await t.db.termsAcceptance.create({ data: { userId: p.id, termsVersion: "2026-01", ip: "203.0.113.9" } });
    phaseId = (
      await t.db.phase.create({
        data: { name: "P", startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 86_400_000), dailyLimit: 5 },
      })
    ).id;
    // The entry was made in that phase (its leaderboard shows it).
    await t.db.submission.update({ where: { id: submissionId }, data: { phaseId } });
    token = (await createApiToken({ db: t.db, userId: p.id, input: { name: "laptop", scopes: ["read", "submit"] } })).token;
  });
  beforeEach(() => {
    session.user = null;
  });

  /** Every new organizer route, as the console calls it. */
  const calls = (): [string, (headers?: Record<string, string>) => Promise<Response>][] => [
    ...EXPORTS.map((name): [string, (h?: Record<string, string>) => Promise<Response>] => [
      `GET export/${name}.csv`,
      (headers) => exportRoute.GET(new Request(`${BASE}/export/${name}.csv`, { headers }), routeParams({ file: `${name}.csv` })),
    ]),
    [
      "POST participant status",
      (headers) =>
        statusRoute.POST(
          new Request(`${BASE}/participants/x/status`, {
            ...jsonInit({ status: "banned", reason: "Testing the route" }),
            headers: { "content-type": "application/json", ...headers },
          }),
          routeParams({ id: participant.id }),
        ),
    ],
    [
      "GET submission file",
      (headers) => fileRoute.GET(new Request(`${BASE}/submissions/x/file`, { headers }), routeParams({ id: submissionId })),
    ],
  ];

  describe("permissions", () => {
    it("visitors, participants and API tokens (even an organizer's) get 404 and change nothing", async () => {
      const organizerToken = (await createApiToken({ db: t.db, userId: organizer.id, input: { name: "ci", scopes: ["read", "submit"] } }))
        .token;
      const before = await stateOf(t.db);
      for (const [name, call] of calls()) {
        for (const [who, user, headers] of [
          ["visitor", null, undefined],
          ["participant", participant, undefined],
          ["participant token", null, { authorization: `Bearer ${token}` }],
          ["organizer token", null, { authorization: `Bearer ${organizerToken}` }],
        ] as const) {
          session.user = user;
          const res = await call(headers);
          expect(res.status, `${name} as ${who}`).toBe(404);
          const text = await res.text();
          expect(text, `${name} as ${who}`).not.toContain("email");
          expect(text).not.toContain(participant.email);
        }
      }
      expect(await stateOf(t.db)).toEqual(before);
    });

    it("an unknown export or a bad filter is refused before anything is recorded", async () => {
      session.user = organizer;
      const before = await t.db.auditEvent.count();
      const unknown = await exportRoute.GET(new Request(`${BASE}/export/users.csv`), routeParams({ file: "users.csv" }));
      expect(unknown.status).toBe(404);
      const noSuffix = await exportRoute.GET(new Request(`${BASE}/export/audit`), routeParams({ file: "audit" }));
      expect(noSuffix.status).toBe(404);
      const bad = await exportRoute.GET(new Request(`${BASE}/export/downloads.csv?from=yesterday`), routeParams({ file: "downloads.csv" }));
      expect(bad.status).toBe(400);
      expect(await t.db.auditEvent.count()).toBe(before);
    });
  });

  describe("exports", () => {
    it("each export streams a header row, formula-looking text neutralised, and is itself audited", async () => {
      session.user = organizer;
      for (const name of EXPORTS) {
        const res = await exportRoute.GET(new Request(`${BASE}/export/${name}.csv`), routeParams({ file: `${name}.csv` }));
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
        expect(res.headers.get("content-disposition")).toBe(`attachment; filename="tiny-portraits-${name}.csv"`);
        const text = await res.text();
        const rows = parse<Record<string, string>>(text, { columns: true });
        expect(text.split("\n")[0]).toMatch(/^id,/);
        for (const row of rows) for (const cell of Object.values(row)) expect(cell, `${name}: ${cell}`).not.toMatch(/^[=+@\t\r]/);
        if (name === "participants")
          expect(rows.find((r) => r.id === participant.id)).toMatchObject({
            name: "'=HYPERLINK(1)",
            email: "'=cmd@example.test",
            terms_version: "2026-01",
            submissions: "1",
          });
        if (name === "acceptances")
          expect(rows).toEqual([expect.objectContaining({ user_id: participant.id, terms_version: "2026-01", ip: "203.0.113.9" })]);
        if (name === "submissions") expect(rows.map((r) => r.id)).toContain(submissionId);
      }
      const recorded = await t.db.auditEvent.findMany({
        where: { action: { startsWith: "export." } },
        select: { action: true, actorId: true },
      });
      expect(recorded.map((r) => r.action).sort()).toEqual(EXPORTS.map((n) => `export.${n}`).sort());
      expect(new Set(recorded.map((r) => r.actorId))).toEqual(new Set([organizer.id]));
    });

    it("filters apply: acceptances of another e-mail are left out", async () => {
      session.user = organizer;
      const res = await exportRoute.GET(
        new Request(`${BASE}/export/acceptances.csv?email=nobody`),
        routeParams({ file: "acceptances.csv" }),
      );
      expect((await res.text()).trim()).toBe("id,accepted_at,user_id,email,name,terms_version,ip");
    });

    it("downloading the hidden labels appears in audit.csv", async () => {
      session.user = organizer;
      const labels = await labelsRoute.GET(new Request(`${BASE}/labels`));
      expect(labels.status).toBe(200);
      await labels.text();
      const res = await exportRoute.GET(new Request(`${BASE}/export/audit.csv?action=labels.export`), routeParams({ file: "audit.csv" }));
      const rows = parse<Record<string, string>>(await res.text(), { columns: true });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor: organizer.email, action: "labels.export", target_type: "labels" });
      expect(JSON.parse(rows[0].details)).toEqual({ rows: fixture.labels.length });
    });
  });

  describe("audit trail", () => {
    it("disqualify and a phase reveal are recorded with before and after; a refused edit records nothing", async () => {
      session.user = organizer;
      const dq = await disqualifyRoute.POST(
        new Request(`${BASE}/submissions/x/disqualify`, jsonInit({ reason: "Copied labels" })),
        routeParams({ id: submissionId }),
      );
      expect(dq.status).toBe(200);
      const reveal = await phaseRoute.PATCH(
        new Request(`${BASE}/phases/x`, jsonInit({ privateRevealed: true }, "PATCH")),
        routeParams({ id: phaseId }),
      );
      expect(reveal.status).toBe(200);
      const count = await t.db.auditEvent.count();
      const bad = await phaseRoute.PATCH(
        new Request(`${BASE}/phases/x`, jsonInit({ dailyLimit: -1 }, "PATCH")),
        routeParams({ id: phaseId }),
      );
      expect(bad.status).toBe(400);
      expect(await t.db.auditEvent.count()).toBe(count);
      const events = await t.db.auditEvent.findMany({
        where: { targetId: { in: [submissionId, phaseId] } },
        orderBy: { createdAt: "asc" },
      });
      expect(events.map((e) => e.action)).toEqual(["submission.disqualify", "phase.reveal"]);
      expect(events[0].details).toMatchObject({ before: { disqualifiedAt: null }, after: { reason: "Copied labels" } });
      expect(events[1].details).toEqual({ name: "P", before: { privateRevealed: false }, after: { privateRevealed: true } });
      await t.db.phase.update({ where: { id: phaseId }, data: { privateRevealed: false } });
      await t.db.submission.update({ where: { id: submissionId }, data: { disqualifiedAt: null, disqualifiedReason: null } });
    });

    it("npm run users -- promote/demote is recorded as the command line", async () => {
      const someone = await createFixtureUser({ db: t.db });
      const quiet = () => {};
      expect(await runUsersCommand({ db: t.db, args: ["promote", someone.email], out: quiet, err: quiet, osUser: "ops" })).toBe(0);
      expect(await runUsersCommand({ db: t.db, args: ["demote", someone.email], out: quiet, err: quiet, osUser: "ops" })).toBe(0);
      const events = await t.db.auditEvent.findMany({ where: { targetId: someone.id }, orderBy: { createdAt: "asc" } });
      expect(events.map((e) => [e.action, e.actorLabel, e.actorId])).toEqual([
        ["user.promote", "cli:ops", null],
        ["user.demote", "cli:ops", null],
      ]);
    });

    it("an organizer opening a participant's file gets the bytes and leaves a record", async () => {
      const row = await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } });
      fs.writeFileSync(path.join(fixture.dataDir, "uploads", row.fileKey), "a,b\n");
      await t.db.submission.update({ where: { id: submissionId }, data: { fileSize: 4 } });
      session.user = organizer;
      const res = await fileRoute.GET(new Request(`${BASE}/submissions/x/file`), routeParams({ id: submissionId }));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("a,b\n");
      const events = await t.db.auditEvent.findMany({ where: { action: "submission.file", targetId: submissionId } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: organizer.id, details: { owner: participant.id } });
    });

    it("nothing in lib/ or app/ updates or deletes an audit event", () => {
      const offenders: string[] = [];
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, entry.name);
          if (entry.isDirectory()) {
            if (entry.name !== "generated" && entry.name !== "node_modules") walk(p);
          } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
            if (/auditEvent\s*\.\s*(update|updateMany|delete|deleteMany|upsert)\b/.test(fs.readFileSync(p, "utf8"))) offenders.push(p);
          }
        }
      };
      for (const dir of ["lib", "app", "cli", "scripts", "scorer"]) walk(path.join(process.cwd(), dir));
      expect(offenders).toEqual([]);
    });
  });

  describe("suspend and ban", () => {
    it("a ban ends sessions, refuses the API token and new sign-ins, hides the entries from the leaderboard; reinstating undoes it", async () => {
      const sid = await createSession({ db: t.db, userId: participant.id });
      const board = async () =>
        (await getLeaderboardSnapshot({ db: t.db, maxAgeMs: 0, staleMs: 0 })).snapshot.competitors.map((c) => c.key);
      expect(await board()).toContain(`u:${participant.id}`);
      expect(await resolveApiToken({ db: t.db, token, scope: "read", ratePerMinute: 1000 })).toMatchObject({ id: participant.id });

      session.user = organizer;
      const missingReason = await statusRoute.POST(
        new Request(`${BASE}/participants/x/status`, jsonInit({ status: "banned" })),
        routeParams({ id: participant.id }),
      );
      expect(missingReason.status).toBe(400);
      const ban = await statusRoute.POST(
        new Request(`${BASE}/participants/x/status`, jsonInit({ status: "banned", reason: "Shared the test labels" })),
        routeParams({ id: participant.id }),
      );
      expect(ban.status).toBe(200);
      expect(await ban.json()).toMatchObject({ status: "banned", changed: true, sessionsEnded: 1 });

      expect(await resolveSession({ db: t.db, token: sid })).toBeNull();
      await expect(resolveApiToken({ db: t.db, token, scope: "read", ratePerMinute: 1000 })).rejects.toMatchObject({
        code: "unauthorized",
      });
      await expect(createSession({ db: t.db, userId: participant.id })).rejects.toMatchObject({ code: "forbidden" });
      expect(await t.db.session.count({ where: { userId: participant.id } })).toBe(0);
      expect(await board()).not.toContain(`u:${participant.id}`);
      const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: "user.ban", targetId: participant.id } });
      expect(event.details).toMatchObject({ before: { status: "active" }, after: { status: "banned", reason: "Shared the test labels" } });

      const back = await statusRoute.POST(
        new Request(`${BASE}/participants/x/status`, jsonInit({ status: "active" })),
        routeParams({ id: participant.id }),
      );
      expect(back.status).toBe(200);
      expect(await resolveApiToken({ db: t.db, token, scope: "read", ratePerMinute: 1000 })).toMatchObject({ id: participant.id });
      expect(await board()).toContain(`u:${participant.id}`);
      expect(await t.db.auditEvent.count({ where: { action: "user.reinstate", targetId: participant.id } })).toBe(1);
    });

    it("organizers cannot be suspended, and a refused change leaves no record", async () => {
      const before = await t.db.auditEvent.count();
      await expect(
        setUserStatus({ db: t.db, userId: organizer.id, input: { status: "suspended", reason: "nope" }, organizer }),
      ).rejects.toMatchObject({ code: "conflict" });
      expect(await t.db.auditEvent.count()).toBe(before);
      expect((await t.db.user.findUniqueOrThrow({ where: { id: organizer.id } })).status).toBe("active");
    });
  });
});
