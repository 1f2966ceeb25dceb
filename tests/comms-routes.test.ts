import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { createUnsubscribeToken } from "../lib/announcements/unsubscribe-token";
import type { Db } from "../lib/db/client";
import { createInvitationCode } from "../lib/entry-rules/create-invitation-code";
import { session } from "../test-support/auth/fake-current-user";
import { idParams, jsonInit, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { setUpTempDir } from "../test-support/set-up-temp-dir";
import { createSessionUser } from "../test-support/organizer/organizer-fixtures";
import { describeEachEngine } from "../test-support/test-db";

// The organizer routes read only the session: fake-current-user says who is signed in.
vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const entryRules = await import("@/app/api/organizer/entry-rules/route");
const codes = await import("@/app/api/organizer/invitation-codes/route");
const revoke = await import("@/app/api/organizer/invitation-codes/[id]/revoke/route");
const announcements = await import("@/app/api/organizer/announcements/route");
const preview = await import("@/app/api/organizer/announcements/preview/route");
const unsubscribe = await import("@/app/api/unsubscribe/route");
const unsubscribePage = (await import("@/app/unsubscribe/page")).default;

const BASE = "http://localhost/api/organizer";
const dataDir = setUpTempDir("tp-comms-routes-");
const { setTestEnv } = setUpRouteTest();

/** Everything a refused call must leave as it was. */
async function stateOf(db: Db) {
  const [settings, invitationCodes, announcementRows, jobs, audit, optOuts] = await Promise.all([
    db.siteSetting.findMany({ orderBy: { key: "asc" } }),
    db.invitationCode.findMany({ orderBy: { id: "asc" }, select: { id: true, revokedAt: true, uses: true } }),
    db.announcement.count(),
    db.job.count(),
    db.auditEvent.count(),
    db.user.count({ where: { announcementsOptOutAt: { not: null } } }),
  ]);
  return { settings, invitationCodes, announcementRows, jobs, audit, optOuts };
}

describeEachEngine("announcement and entry-rule routes", (t) => {
  type SessionUser = NonNullable<typeof session.user>;
  let participant: SessionUser;
  let organizer: SessionUser;
  let codeId: string;

  useRouteDb(t);
  beforeAll(async () => {
    setTestEnv({ DATA_DIR: dataDir, AUTH_SECRET: "a-test-auth-secret-of-enough-length" });
    participant = await createSessionUser({ db: t.db });
    await t.db.user.update({ where: { id: participant.id }, data: { emailVerifiedAt: new Date() } });
    organizer = await createSessionUser({ db: t.db, role: "organizer" });
    codeId = (await createInvitationCode({ db: t.db, organizer, input: {} })).id;
  });
  beforeEach(() => {
    session.user = null;
  });

  const calls: [string, () => Promise<Response>][] = [
    ["POST entry-rules", () => entryRules.POST(new Request(`${BASE}/entry-rules`, jsonInit({ blockedDomains: "spam.test" })))],
    ["POST invitation-codes", () => codes.POST(new Request(`${BASE}/invitation-codes`, jsonInit({ label: "x" })))],
    [
      "POST invitation-codes/:id/revoke",
      () => revoke.POST(new Request(`${BASE}/invitation-codes/x/revoke`, jsonInit({})), idParams(codeId)),
    ],
    [
      "POST announcements",
      () =>
        announcements.POST(
          new Request(`${BASE}/announcements`, jsonInit({ title: "Hello all", body: "Hi", sendEmail: true, audience: { kind: "all" } })),
        ),
    ],
    [
      "POST announcements/preview",
      () => preview.POST(new Request(`${BASE}/announcements/preview`, jsonInit({ audience: { kind: "all" } }))),
    ],
  ];

  it.each(calls)("%s: 404 for a visitor and a participant, nothing changes; an organizer succeeds", async (_name, call) => {
    const before = await stateOf(t.db);
    for (const user of [null, participant]) {
      session.user = user;
      const refused = await call();
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ error: { code: "not-found" } });
    }
    expect(await stateOf(t.db)).toEqual(before);
    session.user = organizer;
    const allowed = await call();
    expect([200, 201]).toContain(allowed.status);
    expect(allowed.headers.get("cache-control")).toContain("no-store");
  });

  it("organizer routes refuse bodies not sent as JSON and invalid input with the field, changing nothing", async () => {
    session.user = organizer;
    const before = await stateOf(t.db);
    const form = await announcements.POST(
      new Request(`${BASE}/announcements`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "title=x&body=y",
      }),
    );
    expect(form.status).toBe(400);
    const bad = await entryRules.POST(new Request(`${BASE}/entry-rules`, jsonInit({ allowedDomains: "example.org, bad!domain" })));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "validation", details: [{ field: "allowedDomains.1", message: '"bad!domain" is not a domain like example.org' }] },
    });
    const badAudience = await preview.POST(new Request(`${BASE}/announcements/preview`, jsonInit({ audience: { kind: "team" } })));
    expect(badAudience.status).toBe(400);
    const missing = await revoke.POST(new Request(`${BASE}/invitation-codes/x/revoke`, jsonInit({})), idParams("no-such-code"));
    expect(missing.status).toBe(404);
    expect(await stateOf(t.db)).toEqual(before);
  });

  it("unsubscribe: no GET handler, the page only reads, a tampered token is refused, the one-click POST and the form opt out", async () => {
    expect("GET" in unsubscribe).toBe(false); // Next.js answers 405: a mail scanner's GET changes nothing
    const token = createUnsubscribeToken({ userId: participant.id });
    const optedOut = async () => (await t.db.user.findUniqueOrThrow({ where: { id: participant.id } })).announcementsOptOutAt;
    await t.db.user.update({ where: { id: participant.id }, data: { announcementsOptOutAt: null } });

    // Rendering the confirmation page (what a GET of the link does) changes nothing.
    await unsubscribePage({ searchParams: Promise.resolve({ token }) });
    expect(await optedOut()).toBeNull();

    const oneClick = (tok: string, init: RequestInit = {}) =>
      unsubscribe.POST(
        new Request(`http://localhost/api/unsubscribe?token=${encodeURIComponent(tok)}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
          ...init,
        }),
      );
    const tampered = await oneClick(`${token.slice(0, -2)}00`);
    expect(tampered.status).toBe(400);
    expect(await optedOut()).toBeNull();
    const tooLarge = await oneClick(token, { headers: { "content-type": "text/plain", "content-length": "100000" }, body: "x" });
    expect(tooLarge.status).toBe(413);
    expect(await optedOut()).toBeNull();

    const ok = await oneClick(token);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/no longer receives announcement e-mails/);
    expect(await optedOut()).not.toBeNull();

    await t.db.user.update({ where: { id: participant.id }, data: { announcementsOptOutAt: null } });
    const viaForm = await unsubscribe.POST(
      new Request("http://localhost/api/unsubscribe", { method: "POST", body: new URLSearchParams({ token }) }),
    );
    expect(viaForm.status).toBe(303);
    expect(viaForm.headers.get("location")).toBe("/unsubscribe?done=1");
    expect(await optedOut()).not.toBeNull();
  });
});
