import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { appError } from "../../test-support/app-error-of";
import { createFixtureUser } from "../../test-support/organizer/organizer-fixtures";
import { describeEachEngine } from "../../test-support/test-db";
import { findOrCreateOAuthUser } from "../auth/find-or-create-oauth-user";
import { requestEmailChange } from "../auth/request-email-change";
import { signUp } from "../auth/sign-up";
import { resetEnvCache } from "../env";
import { createInvitationCode } from "./create-invitation-code";
import { getEntryRules } from "./get-entry-rules";
import { normalizeInvitationCode } from "./invitation-code-format";
import { listInvitationCodes } from "./list-invitation-codes";
import { revokeInvitationCode } from "./revoke-invitation-code";
import { updateEntryRules } from "./update-entry-rules";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-entry-"));
const mailSettings = { from: "TP <tp@example.org>", dataDir };
const saved = { SIGNUP_ALLOWED_DOMAINS: process.env.SIGNUP_ALLOWED_DOMAINS, SIGNUP_BLOCKED_DOMAINS: process.env.SIGNUP_BLOCKED_DOMAINS };
beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  process.env.SIGNUP_ALLOWED_DOMAINS = "";
  process.env.SIGNUP_BLOCKED_DOMAINS = "env-blocked.test";
  resetEnvCache();
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  resetEnvCache();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const tag = () => randomBytes(4).toString("hex");
const PASSWORD = "correct horse battery staple 42";

describeEachEngine("entry rules", (t) => {
  let organizer: { id: string; email: string };
  beforeAll(async () => {
    organizer = await createFixtureUser({ db: t.db, role: "organizer" });
  });
  beforeEach(async () => {
    await t.db.siteSetting.deleteMany();
    await t.db.invitationCode.deleteMany();
  });
  const join = (email: string, invitationCode?: string) =>
    signUp({
      db: t.db,
      input: { name: `Person ${tag()}`, email, password: PASSWORD },
      invitationCode,
      client: `203.0.113.${tag()}`,
      mailSettings,
      limits: { globalPerHour: 10_000 },
    });
  const field = async (p: Promise<unknown>) => (await appError(p)).details?.[0]?.field;

  it("uses the environment's lists until organizers save rules, then only the saved ones (audited)", async () => {
    expect(await getEntryRules({ db: t.db })).toMatchObject({
      source: "environment",
      blockedDomains: ["env-blocked.test"],
      invitationOnly: false,
    });
    expect(await field(join(`a-${tag()}@env-blocked.test`))).toBe("email");
    await join(`a-${tag()}@open.test`);

    const saved = await updateEntryRules({
      db: t.db,
      organizer,
      ip: "198.51.100.4",
      input: { allowedDomains: "uni.test\n@Lab.Uni.test, other.test", blockedDomains: ["spam.uni.test"], invitationOnly: false },
    });
    expect(saved).toMatchObject({
      source: "console",
      allowedDomains: ["uni.test", "lab.uni.test", "other.test"],
      blockedDomains: ["spam.uni.test"],
    });
    await join(`b-${tag()}@uni.test`);
    await join(`b-${tag()}@dept.uni.test`); // subdomains are covered
    await join(`b-${tag()}@env-blocked.test`).then(
      () => expect.unreachable("not in the allowed list"),
      () => {},
    );
    expect(await field(join(`b-${tag()}@open.test`))).toBe("email");
    expect(await field(join(`b-${tag()}@spam.uni.test`))).toBe("email"); // blocked wins
    // Changing the address follows the same rules.
    const someone = await t.db.user.findFirstOrThrow({ where: { email: { endsWith: "@uni.test" } } });
    expect(
      (await appError(requestEmailChange({ db: t.db, userId: someone.id, newEmail: `x-${tag()}@open.test`, mailSettings }))).code,
    ).toBe("validation");
    expect(await t.db.auditEvent.findFirst({ where: { action: "entry-rules.update" }, orderBy: { createdAt: "desc" } })).toMatchObject({
      actorId: organizer.id,
      ip: "198.51.100.4",
      details: { before: { source: "environment" }, after: { allowedDomains: ["uni.test", "lab.uni.test", "other.test"] } },
    });
  });

  it("refuses invalid rules with a field, changing nothing", async () => {
    for (const input of [
      { allowedDomains: "not a domain!" },
      { blockedDomains: ["-bad-.test"] },
      { invitationOnly: "yes" },
      { allowedDomains: "a.test", blockedDomains: "a.test" },
      { unknown: true },
    ]) {
      expect((await appError(updateEntryRules({ db: t.db, organizer, input }))).code, JSON.stringify(input)).toBe("validation");
    }
    expect(await t.db.siteSetting.count()).toBe(0);
  });

  it("invitation-only: sign-up needs a valid code; expired, revoked, exhausted and unknown codes are refused", async () => {
    await updateEntryRules({ db: t.db, organizer, input: { invitationOnly: true } });
    const now = Date.now();
    const twoUses = await createInvitationCode({ db: t.db, organizer, input: { label: "Lab", maxUses: 2 } });
    const expiring = await createInvitationCode({ db: t.db, organizer, input: { expiresAt: new Date(now + 60_000).toISOString() } });
    const revoked = await createInvitationCode({ db: t.db, organizer, input: {} });
    await revokeInvitationCode({ db: t.db, id: revoked.id, organizer });
    expect(twoUses.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    // Only the hash is stored; the audit trail has the prefix, never the code.
    const stored = await t.db.invitationCode.findUniqueOrThrow({ where: { id: twoUses.id } });
    expect(JSON.stringify(stored)).not.toContain(normalizeInvitationCode(twoUses.code));
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "invitation-code.create", targetId: twoUses.id } });
    expect(JSON.stringify(audit.details)).not.toContain(normalizeInvitationCode(twoUses.code));

    expect(await field(join(`c-${tag()}@x.test`))).toBe("invitationCode");
    expect(await field(join(`c-${tag()}@x.test`, "AAAA-BBBB-CCCC-DDDD"))).toBe("invitationCode");
    expect((await appError(join(`c-${tag()}@x.test`, revoked.code))).details?.[0].message).toMatch(/withdrawn/);
    await t.db.invitationCode.update({ where: { id: expiring.id }, data: { expiresAt: new Date(now - 1000) } });
    expect((await appError(join(`c-${tag()}@x.test`, expiring.code))).details?.[0].message).toMatch(/expired/);

    // Typed loosely (lower case, spaces instead of hyphens) it still works; each account records the code.
    const first = `d-${tag()}@x.test`;
    await join(first, twoUses.code.toLowerCase().replace(/-/g, " "));
    await join(`d-${tag()}@x.test`, twoUses.code);
    expect((await appError(join(`d-${tag()}@x.test`, twoUses.code))).details?.[0].message).toMatch(/already been used/);
    expect(await t.db.user.count({ where: { invitationCodeId: twoUses.id } })).toBe(2);
    expect((await t.db.invitationCode.findUniqueOrThrow({ where: { id: twoUses.id } })).uses).toBe(2);
    // A sign-up that finds an existing account uses nothing (and says nothing different).
    const spare = await createInvitationCode({ db: t.db, organizer, input: {} });
    expect(await join(first, spare.code)).toEqual({ email: first });
    expect((await t.db.invitationCode.findUniqueOrThrow({ where: { id: spare.id } })).uses).toBe(0);

    expect((await listInvitationCodes({ db: t.db })).map((c) => [c.id, c.state])).toEqual(
      expect.arrayContaining([
        [twoUses.id, "used up"],
        [expiring.id, "expired"],
        [revoked.id, "revoked"],
        [spare.id, "usable"],
      ]),
    );
    // OAuth cannot create accounts in invitation-only mode; organizers and existing accounts still get in.
    expect((await appError(findOrCreateOAuthUser({ db: t.db, email: `o-${tag()}@x.test`, emailVerified: true, name: "O" }))).code).toBe(
      "forbidden",
    );
    const boss = `boss-${tag()}@x.test`;
    expect((await findOrCreateOAuthUser({ db: t.db, email: boss, emailVerified: true, name: "Boss", organizerEmails: [boss] })).role).toBe(
      "organizer",
    );
    expect((await findOrCreateOAuthUser({ db: t.db, email: first, emailVerified: true, name: "D" })).email).toBe(first);
  });

  it("two concurrent sign-ups with a one-use code: exactly one account is created", async () => {
    await updateEntryRules({ db: t.db, organizer, input: { invitationOnly: true } });
    for (let round = 0; round < 3; round++) {
      const { code, id } = await createInvitationCode({ db: t.db, organizer, input: { maxUses: 1 } });
      const results = await Promise.allSettled([join(`e-${tag()}@x.test`, code), join(`e-${tag()}@x.test`, code)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: "validation" });
      expect(await t.db.user.count({ where: { invitationCodeId: id } })).toBe(1);
      expect((await t.db.invitationCode.findUniqueOrThrow({ where: { id } })).uses).toBe(1);
    }
  });

  it("code creation and revocation validate their input and are audited", async () => {
    for (const input of [
      { maxUses: 0 },
      { maxUses: 1.5 },
      { expiresAt: "tomorrow" },
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
      { x: 1 },
    ]) {
      expect((await appError(createInvitationCode({ db: t.db, organizer, input }))).code, JSON.stringify(input)).toBe("validation");
    }
    expect(await t.db.invitationCode.count()).toBe(0);
    expect((await appError(revokeInvitationCode({ db: t.db, id: "nope", organizer }))).code).toBe("not-found");
    const c = await createInvitationCode({ db: t.db, organizer, input: { label: "x" } });
    expect(await revokeInvitationCode({ db: t.db, id: c.id, organizer })).toMatchObject({ changed: true });
    expect(await revokeInvitationCode({ db: t.db, id: c.id, organizer })).toMatchObject({ changed: false });
    expect(await t.db.auditEvent.count({ where: { action: "invitation-code.revoke", targetId: c.id } })).toBe(1);
  });
});
