/*
 * The team routes' permissions on both engines: visitors get 401 and change nothing; a member
 * manages their own team's invitations, anyone else gets 404; the organizer routes answer 404
 * to participants and visitors and act (audited) for organizers; JSON-only bodies.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it, vi } from "vitest";
import { CURRENT_TERMS } from "../lib/terms/terms-document";
import { session } from "../test-support/auth/fake-current-user";
import { jsonInit, routeParams, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { setUpTempDir } from "../test-support/set-up-temp-dir";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const teams = await import("@/app/api/teams/route");
const team = await import("@/app/api/teams/[id]/route");
const invites = await import("@/app/api/teams/[id]/invites/route");
const invite = await import("@/app/api/teams/[id]/invites/[inviteId]/route");
const join = await import("@/app/api/teams/join/route");
const leave = await import("@/app/api/teams/leave/route");
const disband = await import("@/app/api/organizer/teams/[id]/disband/route");
const removeMember = await import("@/app/api/organizer/teams/[id]/remove-member/route");

const BASE = "http://localhost/api";
const dataDir = setUpTempDir("teams-routes-");
const { setTestEnv } = setUpRouteTest();

describeEachEngine("team routes", (t) => {
  const users: Record<string, { id: string; email: string; name: string; role: "participant" | "organizer"; emailVerified: boolean }> = {};

  useRouteDb(t);
  beforeAll(async () => {
    setTestEnv({ DATA_DIR: dataDir, PUBLIC_URL: "http://teams.test" });
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
      await teams.POST(new Request(`${BASE}/teams`, jsonInit({ name: "Visitors" }))),
      await invites.POST(new Request(`${BASE}/teams/x/invites`, jsonInit({})), routeParams({ id: "x" })),
      await invite.DELETE(new Request(`${BASE}/teams/x/invites/y`, { method: "DELETE" }), routeParams({ id: "x", inviteId: "y" })),
      await join.POST(new Request(`${BASE}/teams/join`, jsonInit({ token: "x".repeat(43) }))),
      await leave.POST(new Request(`${BASE}/teams/leave`, jsonInit({}))),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await t.db.team.count()).toBe(0);
  });

  it("a member invites and revokes; others get 404; the invitee joins; the team is public", async () => {
    session.user = users.captain;
    const created = await teams.POST(new Request(`${BASE}/teams`, jsonInit({ name: "Route Runners" })));
    expect(created.status).toBe(201);
    const { team: made } = (await created.json()) as { team: { id: string } };
    // A cross-site form post (not JSON) is refused before anything happens.
    const form = await invites.POST(
      new Request(`${BASE}/teams/x/invites`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
      }),
      routeParams({ id: made.id }),
    );
    expect(form.status).toBe(400);

    const linkAnswer = await invites.POST(new Request(`${BASE}/teams/x/invites`, jsonInit({})), routeParams({ id: made.id }));
    expect(linkAnswer.status).toBe(201);
    const { link, invite: inv } = (await linkAnswer.json()) as { link: string; invite: { id: string } };
    expect(link).toMatch(/^http:\/\/teams\.test\/teams\/join\/[A-Za-z0-9_-]{43}$/);

    session.user = users.outsider;
    const theirs = await invites.POST(new Request(`${BASE}/teams/x/invites`, jsonInit({})), routeParams({ id: made.id }));
    expect(theirs.status).toBe(404);
    const revokeByOutsider = await invite.DELETE(
      new Request(`${BASE}/teams/x/invites/y`, { method: "DELETE" }),
      routeParams({ id: made.id, inviteId: inv.id }),
    );
    expect(revokeByOutsider.status).toBe(404);
    const outsiderView = (await (await team.GET(new Request(`${BASE}/teams/${made.id}`), routeParams({ id: made.id }))).json()) as {
      team: { invites?: unknown; members: unknown[] };
    };
    expect(outsiderView.team.invites).toBeUndefined();
    expect(await t.db.teamInvite.count({ where: { teamId: made.id, revokedAt: null } })).toBe(1);

    session.user = users.joiner;
    const token = link.split("/").pop()!;
    const preview = await join.POST(new Request(`${BASE}/teams/join`, jsonInit({ token, preview: true })));
    expect(await preview.json()).toMatchObject({ ok: true, plan: { kind: "join", size: 2 } });
    expect(await t.db.teamMember.count({ where: { teamId: made.id } })).toBe(1);
    const joined = await join.POST(new Request(`${BASE}/teams/join`, jsonInit({ token })));
    expect(joined.status).toBe(200);
    expect(await joined.json()).toMatchObject({ team: { id: made.id }, kind: "join" });
    const again = await join.POST(new Request(`${BASE}/teams/join`, jsonInit({ token })));
    expect(again.status).toBe(409);

    session.user = null;
    const publicView = await team.GET(new Request(`${BASE}/teams/${made.id}`), routeParams({ id: made.id }));
    expect(publicView.status).toBe(200);
    expect(((await publicView.json()) as { team: { members: unknown[] } }).team.members).toHaveLength(2);
    const list = (await (await teams.GET()).json()) as { teams: { id: string }[] };
    expect(list.teams.map((x) => x.id)).toContain(made.id);

    session.user = users.joiner;
    expect((await leave.POST(new Request(`${BASE}/teams/leave`, jsonInit({})))).status).toBe(200);
    expect(await t.db.teamMember.count({ where: { userId: users.joiner.id } })).toBe(0);
  });

  it("organizer routes: 404 for visitors and participants (even members), audited actions for organizers", async () => {
    const made = await t.db.team.findFirstOrThrow({ where: { name: "Route Runners" } });
    const calls = [
      () =>
        removeMember.POST(
          new Request(`${BASE}/organizer/teams/x/remove-member`, jsonInit({ userId: users.captain.id })),
          routeParams({ id: made.id }),
        ),
      () => disband.POST(new Request(`${BASE}/organizer/teams/x/disband`, jsonInit({})), routeParams({ id: made.id })),
    ];
    for (const who of [null, users.captain, users.outsider]) {
      session.user = who;
      for (const call of calls) expect((await call()).status).toBe(404);
    }
    expect(await t.db.teamMember.count({ where: { teamId: made.id } })).toBe(1);

    session.user = users.organizer;
    const badBody = await removeMember.POST(
      new Request(`${BASE}/organizer/teams/x/remove-member`, jsonInit({ user: 1 })),
      routeParams({ id: made.id }),
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
