/*
 * The team routes' permissions on both engines: visitors get 401 and change nothing; a member
 * manages their own team's invitations, anyone else gets 404; the organizer routes answer 404
 * to participants and visitors and act (audited) for organizers; JSON-only bodies.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { closeDb } from "../lib/db/client";
import { resetEnvCache } from "../lib/env";
import { CURRENT_TERMS } from "../lib/terms/terms-document";
import { session } from "../test-support/auth/fake-current-user";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("server-only", () => ({}));
vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));

const teams = await import("@/app/api/teams/route");
const team = await import("@/app/api/teams/[id]/route");
const invites = await import("@/app/api/teams/[id]/invites/route");
const invite = await import("@/app/api/teams/[id]/invites/[inviteId]/route");
const join = await import("@/app/api/teams/join/route");
const leave = await import("@/app/api/teams/leave/route");
const disband = await import("@/app/api/organizer/teams/[id]/disband/route");
const removeMember = await import("@/app/api/organizer/teams/[id]/remove-member/route");

const BASE = "http://localhost/api";
const post = (body: unknown, method = "POST") => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "teams-routes-"));
const savedEnv = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, PUBLIC_URL: process.env.PUBLIC_URL };

afterAll(async () => {
  await closeDb();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describeEachEngine("team routes", (t) => {
  const users: Record<string, { id: string; email: string; name: string; role: "participant" | "organizer"; emailVerified: boolean }> = {};

  beforeAll(async () => {
    await closeDb();
    process.env.DATABASE_URL = t.url;
    process.env.DATA_DIR = dataDir;
    process.env.PUBLIC_URL = "http://teams.test";
    resetEnvCache();
    for (const [key, role] of [
      ["captain", "participant"],
      ["joiner", "participant"],
      ["outsider", "participant"],
      ["organizer", "organizer"],
    ] as const) {
      const tag = randomBytes(4).toString("hex");
      const user = await t.db.user.create({
        data: { email: `${key}-${tag}@example.org`, name: `${key} ${tag}`, nameKey: `${key} ${tag}`, role, emailVerifiedAt: new Date() },
      });
      await t.db.termsAcceptance.create({ data: { userId: user.id, termsVersion: CURRENT_TERMS.version } });
      users[key] = { id: user.id, email: user.email, name: user.name, role, emailVerified: true };
    }
  });

  it("visitors get 401 on every team action and change nothing", async () => {
    session.user = null;
    const answers = [
      await teams.POST(new Request(`${BASE}/teams`, post({ name: "Visitors" }))),
      await invites.POST(new Request(`${BASE}/teams/x/invites`, post({})), params({ id: "x" })),
      await invite.DELETE(new Request(`${BASE}/teams/x/invites/y`, { method: "DELETE" }), params({ id: "x", inviteId: "y" })),
      await join.POST(new Request(`${BASE}/teams/join`, post({ token: "x".repeat(43) }))),
      await leave.POST(new Request(`${BASE}/teams/leave`, post({}))),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await t.db.team.count()).toBe(0);
  });

  it("a member invites and revokes; others get 404; the invitee joins; the team is public", async () => {
    session.user = users.captain;
    const created = await teams.POST(new Request(`${BASE}/teams`, post({ name: "Route Runners" })));
    expect(created.status).toBe(201);
    const { team: made } = (await created.json()) as { team: { id: string } };
    // A cross-site form post (not JSON) is refused before anything happens.
    const form = await invites.POST(
      new Request(`${BASE}/teams/x/invites`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
      }),
      params({ id: made.id }),
    );
    expect(form.status).toBe(400);

    const linkAnswer = await invites.POST(new Request(`${BASE}/teams/x/invites`, post({})), params({ id: made.id }));
    expect(linkAnswer.status).toBe(201);
    const { link, invite: inv } = (await linkAnswer.json()) as { link: string; invite: { id: string } };
    expect(link).toMatch(/^http:\/\/teams\.test\/teams\/join\/[A-Za-z0-9_-]{43}$/);

    session.user = users.outsider;
    const theirs = await invites.POST(new Request(`${BASE}/teams/x/invites`, post({})), params({ id: made.id }));
    expect(theirs.status).toBe(404);
    const revokeByOutsider = await invite.DELETE(
      new Request(`${BASE}/teams/x/invites/y`, { method: "DELETE" }),
      params({ id: made.id, inviteId: inv.id }),
    );
    expect(revokeByOutsider.status).toBe(404);
    const outsiderView = (await (await team.GET(new Request(`${BASE}/teams/${made.id}`), params({ id: made.id }))).json()) as {
      team: { invites?: unknown; members: unknown[] };
    };
    expect(outsiderView.team.invites).toBeUndefined();
    expect(await t.db.teamInvite.count({ where: { teamId: made.id, revokedAt: null } })).toBe(1);

    session.user = users.joiner;
    const token = link.split("/").pop()!;
    const preview = await join.POST(new Request(`${BASE}/teams/join`, post({ token, preview: true })));
    expect(await preview.json()).toMatchObject({ ok: true, plan: { kind: "join", size: 2 } });
    expect(await t.db.teamMember.count({ where: { teamId: made.id } })).toBe(1);
    const joined = await join.POST(new Request(`${BASE}/teams/join`, post({ token })));
    expect(joined.status).toBe(200);
    expect(await joined.json()).toMatchObject({ team: { id: made.id }, kind: "join" });
    const again = await join.POST(new Request(`${BASE}/teams/join`, post({ token })));
    expect(again.status).toBe(409);

    session.user = null;
    const publicView = await team.GET(new Request(`${BASE}/teams/${made.id}`), params({ id: made.id }));
    expect(publicView.status).toBe(200);
    expect(((await publicView.json()) as { team: { members: unknown[] } }).team.members).toHaveLength(2);
    const list = (await (await teams.GET()).json()) as { teams: { id: string }[] };
    expect(list.teams.map((x) => x.id)).toContain(made.id);

    session.user = users.joiner;
    expect((await leave.POST(new Request(`${BASE}/teams/leave`, post({})))).status).toBe(200);
    expect(await t.db.teamMember.count({ where: { userId: users.joiner.id } })).toBe(0);
  });

  it("organizer routes: 404 for visitors and participants (even members), audited actions for organizers", async () => {
    const made = await t.db.team.findFirstOrThrow({ where: { name: "Route Runners" } });
    const calls = [
      () =>
        removeMember.POST(
          new Request(`${BASE}/organizer/teams/x/remove-member`, post({ userId: users.captain.id })),
          params({ id: made.id }),
        ),
      () => disband.POST(new Request(`${BASE}/organizer/teams/x/disband`, post({})), params({ id: made.id })),
    ];
    for (const who of [null, users.captain, users.outsider]) {
      session.user = who;
      for (const call of calls) expect((await call()).status).toBe(404);
    }
    expect(await t.db.teamMember.count({ where: { teamId: made.id } })).toBe(1);

    session.user = users.organizer;
    const badBody = await removeMember.POST(
      new Request(`${BASE}/organizer/teams/x/remove-member`, post({ user: 1 })),
      params({ id: made.id }),
    );
    expect(badBody.status).toBe(400);
    const removed = await calls[0]();
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ disbanded: true });
    expect((await calls[1]()).status).toBe(409);
    const audit = await t.db.auditEvent.findMany({ where: { targetId: made.id } });
    expect(audit.map((a) => a.action)).toEqual(["team.remove-member"]);
  });
});
