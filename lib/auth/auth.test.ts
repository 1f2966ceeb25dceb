/*
 * Accounts, tried the way an attacker would: an unproved ORGANIZER_EMAILS sign-up, sign-up as a
 * probe for registered addresses, look-alike names, common passwords, sign-up floods from one
 * client, and locking an owner out by failing their password. Mails travel over real SMTP to an
 * in-process server.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSubmission } from "../submissions/create-submission";
import { CURRENT_TERMS } from "../terms/terms-document";
import { appError } from "../../test-support/app-error-of";
import { startSmtpInbox, tokenInMail, type ReceivedMail } from "../../test-support/mail/smtp-inbox";
import { describeEachEngine } from "../../test-support/test-db";
import type { MailSettings } from "../mail/send-mail";
import { checkPasswordStrength } from "./check-password-strength";
import { createSession } from "./create-session";
import { isEmailDomainAllowed } from "./email-domain-allowed";
import { findOrCreateOAuthUser } from "./find-or-create-oauth-user";
import { findUnverifiedOrganizerEmails } from "./find-unverified-organizer-emails";
import { verifyPassword } from "./password";
import { requestPasswordReset } from "./request-password-reset";
import { resendVerification } from "./resend-verification";
import { resetPassword } from "./reset-password";
import { safeCallbackUrl } from "./safe-callback-url";
import { signUp } from "./sign-up";
import { verifyCredentials } from "./verify-credentials";
import { verifyEmail } from "./verify-email";

const email = () => `u-${randomBytes(5).toString("hex")}@example.org`;
const uniqueName = (prefix = "User") => `${prefix} ${randomBytes(4).toString("hex")}`;
const client = () => `198.51.100.${randomBytes(1)[0]}-${randomBytes(3).toString("hex")}`;
const password = "violet tundra quill 48";

let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
let mailSettings: MailSettings;
const outbox = fs.mkdtempSync(path.join(os.tmpdir(), "tp-auth-"));

beforeAll(async () => {
  inbox = await startSmtpInbox();
  mailSettings = { smtpUrl: inbox.url, from: "Tiny Portraits <test@example.org>", dataDir: outbox };
});
afterAll(async () => {
  await inbox?.close();
  fs.rmSync(outbox, { recursive: true, force: true });
});
afterEach(() => vi.useRealTimers());

/** The newest message the SMTP server received for an address. */
async function mailTo(address: string, count = 1): Promise<ReceivedMail> {
  await vi.waitFor(() => expect(inbox.messages.filter((m) => m.to.includes(address)).length).toBeGreaterThanOrEqual(count));
  return inbox.messages.filter((m) => m.to.includes(address)).at(-1)!;
}

describeEachEngine("accounts", (t) => {
  const publicUrl = "https://challenge.example.org";
  const signUpAs = (input: { name?: string; email: string; password?: string }, from = client()) =>
    signUp({
      db: t.db,
      input: { name: input.name ?? uniqueName(), email: input.email, password: input.password ?? password },
      client: from,
      publicUrl,
      mailSettings,
    });

  it("signs up unconfirmed with an Argon2id hash, mails a single-use 24 h link over SMTP that confirms the address", async () => {
    const address = email();
    expect(await signUpAs({ name: "  Ada  Lovelace ", email: address.toUpperCase() })).toEqual({ email: address });
    const stored = await t.db.user.findUniqueOrThrow({ where: { email: address }, omit: { passwordHash: false } });
    expect(stored).toMatchObject({ name: "Ada  Lovelace", nameKey: "ada lovelace", role: "participant", emailVerifiedAt: null });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword({ hash: stored.passwordHash!, password })).toBe(true);

    const mail = await mailTo(address);
    expect(mail.raw).toMatch(/Subject: Confirm your e-mail address/);
    expect(mail.raw).toContain(`${publicUrl}/verify-email?token=`);
    const token = tokenInMail(mail.raw);
    // Only the hash is stored.
    expect(JSON.stringify(await t.db.emailToken.findMany({ where: { userId: stored.id } }))).not.toContain(token);
    expect(await verifyEmail({ db: t.db, token })).toEqual({ email: address, name: "Ada  Lovelace" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: stored.id } })).emailVerifiedAt).toBeInstanceOf(Date);
    expect((await appError(verifyEmail({ db: t.db, token }))).code).toBe("validation"); // single use

    // A resent link replaces the old one, and a link is dead after 24 hours.
    const other = email();
    await signUpAs({ email: other });
    const first = tokenInMail((await mailTo(other)).raw);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: other } });
    expect(await resendVerification({ db: t.db, userId: user.id, publicUrl, mailSettings })).toBe(true);
    const second = tokenInMail((await mailTo(other, 2)).raw);
    expect((await appError(verifyEmail({ db: t.db, token: first }))).code).toBe("validation");
    expect((await appError(verifyEmail({ db: t.db, token: second, now: new Date(Date.now() + 25 * 3600_000) }))).code).toBe("validation");
    await verifyEmail({ db: t.db, token: second });
  });

  it("break: signing up with an ORGANIZER_EMAILS address gives no role until the address is confirmed", async () => {
    const boss = email();
    await signUpAs({ email: boss });
    const squatter = await verifyCredentials({ db: t.db, email: boss, password, client: client(), organizerEmails: [boss] });
    expect(squatter.role).toBe("participant");
    expect(await findUnverifiedOrganizerEmails({ db: t.db, organizerEmails: [boss, "nobody-yet@example.org"] })).toEqual([
      expect.stringContaining(`${boss}, whose account has not confirmed`),
      expect.stringContaining("nobody-yet@example.org, which has no account"),
    ]);
    // The owner of the mailbox follows the link: now it counts, at verification and at sign-in.
    await verifyEmail({ db: t.db, token: tokenInMail((await mailTo(boss)).raw), organizerEmails: [boss] });
    expect((await t.db.user.findUniqueOrThrow({ where: { email: boss } })).role).toBe("organizer");
    expect(await findUnverifiedOrganizerEmails({ db: t.db, organizerEmails: [boss] })).toEqual([]);

    const later = email();
    await signUpAs({ email: later });
    await verifyEmail({ db: t.db, token: tokenInMail((await mailTo(later)).raw) });
    expect((await verifyCredentials({ db: t.db, email: later, password, client: client(), organizerEmails: [later] })).role).toBe(
      "organizer",
    );
  });

  it("break: sign-up of an existing address answers the same, creates nothing and mails the owner a reset link that ends the squatter's sessions", async () => {
    const address = email();
    const first = await signUpAs({ email: address });
    const owner = await t.db.user.findUniqueOrThrow({ where: { email: address } });
    const squatterSession = await createSession({ db: t.db, userId: owner.id });
    const before = await t.db.user.count();
    const second = await signUpAs({ email: address.toUpperCase(), password: "another secret phrase 77" });
    expect(second).toEqual(first);
    expect(await t.db.user.count()).toBe(before);
    const notice = await mailTo(address, 2);
    expect(notice.raw).toMatch(/Subject: Someone tried to create a Tiny Portraits account/);
    // The original password still works; the one typed into the second sign-up does not.
    await verifyCredentials({ db: t.db, email: address, password, client: client() });
    expect(
      (await appError(verifyCredentials({ db: t.db, email: address, password: "another secret phrase 77", client: client() }))).code,
    ).toBe("unauthorized");

    await resetPassword({ db: t.db, token: tokenInMail(notice.raw), password: "owner keeps the mailbox 19" });
    const after = await t.db.user.findUniqueOrThrow({ where: { email: address } });
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await t.db.session.count({ where: { userId: owner.id } })).toBe(0);
    expect(squatterSession).toBeTruthy();
    expect((await appError(verifyCredentials({ db: t.db, email: address, password, client: client() }))).code).toBe("unauthorized");
  });

  it("forgot password: the same answer for unknown addresses, a one-hour single-use link for known ones", async () => {
    const address = email();
    await signUpAs({ email: address });
    const unknown = email();
    expect(await requestPasswordReset({ db: t.db, email: unknown, client: client(), publicUrl, mailSettings })).toEqual({ email: unknown });
    expect(await requestPasswordReset({ db: t.db, email: address, client: client(), publicUrl, mailSettings })).toEqual({ email: address });
    const token = tokenInMail((await mailTo(address, 2)).raw);
    expect(inbox.messages.some((m) => m.to.includes(unknown))).toBe(false);
    // A weak password does not use the link up; an expired link is refused.
    expect((await appError(resetPassword({ db: t.db, token, password: "password123" }))).code).toBe("validation");
    expect(
      (await appError(resetPassword({ db: t.db, token, password: "brand new phrase 2024", now: new Date(Date.now() + 61 * 60_000) }))).code,
    ).toBe("validation");
    await resetPassword({ db: t.db, token, password: "brand new phrase 2024" });
    expect((await appError(resetPassword({ db: t.db, token, password: "second try phrase 99" }))).code).toBe("validation");
    await verifyCredentials({ db: t.db, email: address, password: "brand new phrase 2024", client: client() });
  });

  it("break: display names are unique ignoring case and spacing; role and baseline words are reserved", async () => {
    const base = `Alice${randomBytes(3).toString("hex")}`;
    await signUpAs({ name: base, email: email() });
    for (const lookalike of [base.toLowerCase(), `  ${base.toUpperCase()} `]) {
      const error = await appError(signUpAs({ name: lookalike, email: email() }));
      expect(error.details?.[0]).toMatchObject({ field: "name", message: expect.stringMatching(/already taken/) });
    }
    // The same refusal whether or not the address has an account: names are checked first.
    const existing = await t.db.user.findFirstOrThrow({ where: { nameKey: base.toLowerCase() } });
    expect((await appError(signUpAs({ name: base.toLowerCase(), email: existing.email }))).details?.[0].field).toBe("name");
    for (const reserved of ["Organizer", "admin team", "Baselines", "the_baseline", "ORGANISER"]) {
      expect((await appError(signUpAs({ name: reserved, email: email() }))).details?.[0].field).toBe("name");
    }
  });

  it("break: common and personal passwords are refused (zxcvbn), with field messages", async () => {
    for (const weak of ["password123", "qwertyuiop", "1234567890", "iloveyou2020"]) {
      const error = await appError(signUpAs({ email: email(), password: weak }));
      expect(error.details?.[0]).toMatchObject({ field: "password", message: expect.stringMatching(/too easy to guess/) });
    }
    // Strong on its own, but it is the user's own name.
    expect(checkPasswordStrength({ password: "zephyrinequastwell" }).ok).toBe(true);
    expect(checkPasswordStrength({ password: "zephyrinequastwell", userInputs: ["Zephyrine Quastwell"] }).ok).toBe(false);
    expect(
      (await appError(signUpAs({ name: "Zephyrine Quastwell", email: email(), password: "zephyrinequastwell" }))).details?.[0].field,
    ).toBe("password");
    const error = await appError(
      signUp({ db: t.db, input: { name: "<b>", email: "not-an-address", password: "short" }, client: client(), mailSettings }),
    );
    expect(error.details?.map((d) => d.field).sort()).toEqual(["email", "name", "password"]);
  });

  it("sign-up honours the organizers' allowed and blocked domains", async () => {
    expect(isEmailDomainAllowed("a@uni.example.edu", { allowed: ["example.edu"], blocked: [] })).toBe(true);
    expect(isEmailDomainAllowed("a@gmail.com", { allowed: ["example.edu"], blocked: [] })).toBe(false);
    expect(isEmailDomainAllowed("a@mailinator.com", { allowed: [], blocked: ["mailinator.com"] })).toBe(false);
    const error = await appError(
      signUp({
        db: t.db,
        input: { name: uniqueName(), email: "x@mailinator.com", password },
        client: client(),
        mailSettings,
        limits: { blockedDomains: ["mailinator.com"] },
      }),
    );
    expect(error.details?.[0].field).toBe("email");
  });

  it("break: sign-up is throttled per client address and for the whole site", async () => {
    const from = client();
    const limits = { perClientPerHour: 3, globalPerHour: 1000 };
    for (let i = 0; i < 3; i++)
      await signUp({ db: t.db, input: { name: uniqueName(), email: email(), password }, client: from, mailSettings, limits });
    const blocked = await appError(
      signUp({ db: t.db, input: { name: uniqueName(), email: email(), password }, client: from, mailSettings, limits }),
    );
    expect(blocked.code).toBe("quota-exceeded");
    expect(blocked.retryAfterSeconds).toBeGreaterThan(3000);
    // Another client still may; the site-wide cap stops a flood from many addresses.
    await signUp({ db: t.db, input: { name: uniqueName(), email: email(), password }, client: client(), mailSettings, limits });
    const used = (await t.db.rateLimiterFlexible.findUnique({ where: { key: "signup-all:all" } }))?.points ?? 0;
    const flood = { perClientPerHour: 100, globalPerHour: used + 1 };
    await signUp({ db: t.db, input: { name: uniqueName(), email: email(), password }, client: client(), mailSettings, limits: flood });
    expect(
      (
        await appError(
          signUp({ db: t.db, input: { name: uniqueName(), email: email(), password }, client: client(), mailSettings, limits: flood }),
        )
      ).code,
    ).toBe("quota-exceeded");
  });

  it("checks credentials with one message for unknown address and wrong password", async () => {
    const address = email();
    await signUpAs({ email: address });
    expect((await verifyCredentials({ db: t.db, email: ` ${address.toUpperCase()} `, password, client: client() })).email).toBe(address);
    const wrong = await appError(verifyCredentials({ db: t.db, email: address, password: "wrong password!", client: client() }));
    const unknown = await appError(verifyCredentials({ db: t.db, email: email(), password, client: client() }));
    expect(wrong.code).toBe("unauthorized");
    expect(wrong.userMessage).toBe(unknown.userMessage);
    expect((await appError(verifyCredentials({ db: t.db, email: undefined, password: undefined, client: client() }))).code).toBe(
      "unauthorized",
    );
  });

  it("break: failing someone's password from address A does not lock the owner out from address B", async () => {
    const address = email();
    await signUpAs({ email: address });
    const attacker = client();
    const owner = client();
    for (let i = 0; i < 10; i++) {
      const error = await appError(verifyCredentials({ db: t.db, email: address, password: `wrong-${i}-password`, client: attacker }));
      expect(["unauthorized", "quota-exceeded"]).toContain(error.code);
    }
    // The attacker now waits (even with the right password), the owner does not.
    const waiting = await appError(verifyCredentials({ db: t.db, email: address, password, client: attacker }));
    expect(waiting.code).toBe("quota-exceeded");
    expect(waiting.userMessage).toMatch(/Too many failed sign-in attempts\. Try again in \d+ (seconds?|minutes?)\./);
    expect((await verifyCredentials({ db: t.db, email: address, password, client: owner })).email).toBe(address);
  });

  it("break: under a sustained attack the owner waits at most a minute, the attacker ever longer", async () => {
    const address = email();
    await signUpAs({ email: address });
    const attacker = client();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    // 25 failures, time moving on so that every wait is served: the guesser gets nowhere faster.
    for (let i = 0; i < 25; i++) {
      let error = await appError(verifyCredentials({ db: t.db, email: address, password: `wrong-${i}-password`, client: attacker }));
      while (error.code === "quota-exceeded") {
        vi.setSystemTime(Date.now() + error.retryAfterSeconds! * 1000);
        error = await appError(verifyCredentials({ db: t.db, email: address, password: `wrong-${i}-password`, client: attacker }));
      }
    }
    const owner = client();
    const held = await verifyCredentials({ db: t.db, email: address, password, client: owner }).then(
      () => 0,
      (e: { retryAfterSeconds?: number }) => e.retryAfterSeconds ?? -1,
    );
    expect(held).toBeGreaterThanOrEqual(0);
    expect(held).toBeLessThanOrEqual(60);
    vi.setSystemTime(Date.now() + held * 1000 + 1000);
    const attackerWait = (await appError(verifyCredentials({ db: t.db, email: address, password, client: attacker }))).retryAfterSeconds!;
    expect(attackerWait).toBeGreaterThan(60);
    expect((await verifyCredentials({ db: t.db, email: address, password, client: owner })).email).toBe(address);
  });

  it("break: a client spraying many accounts is slowed down across them", async () => {
    const sprayer = client();
    for (let i = 0; i < 20; i++) await appError(verifyCredentials({ db: t.db, email: email(), password, client: sprayer }));
    await appError(verifyCredentials({ db: t.db, email: email(), password, client: sprayer }));
    const address = email();
    await signUpAs({ email: address });
    expect((await appError(verifyCredentials({ db: t.db, email: address, password, client: sprayer }))).code).toBe("quota-exceeded");
    expect((await verifyCredentials({ db: t.db, email: address, password, client: client() })).email).toBe(address);
  });

  it("break: OAuth links to an account only for a verified address, and then the unproved password stops working", async () => {
    const address = email();
    await signUpAs({ email: address });
    const existing = await t.db.user.findUniqueOrThrow({ where: { email: address } });
    await createSession({ db: t.db, userId: existing.id });
    expect((await appError(findOrCreateOAuthUser({ db: t.db, email: address, emailVerified: false, name: "Mallory" }))).code).toBe(
      "unauthorized",
    );
    const linked = await findOrCreateOAuthUser({
      db: t.db,
      email: address.toUpperCase(),
      emailVerified: true,
      name: "Whatever",
      organizerEmails: [address],
    });
    expect(linked).toMatchObject({ id: existing.id, role: "organizer" });
    expect(linked.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await t.db.session.count({ where: { userId: existing.id } })).toBe(0);
    expect((await appError(verifyCredentials({ db: t.db, email: address, password, client: client() }))).code).toBe("unauthorized");

    // New accounts: verified, no password, a free name even when the provider's is taken or reserved.
    const a = await findOrCreateOAuthUser({ db: t.db, email: email(), emailVerified: true, name: existing.name });
    expect(a.name).not.toBe(existing.name);
    const b = await findOrCreateOAuthUser({ db: t.db, email: email(), emailVerified: true, name: "Admin" });
    expect(b.name.toLowerCase()).not.toBe("admin");
    expect(b.nameKey).toBe(b.name.toLowerCase());
    expect((await appError(findOrCreateOAuthUser({ db: t.db, email: null, emailVerified: true, name: "x" }))).code).toBe("unauthorized");
  });

  it("break: uploading needs a confirmed address and the current terms", async () => {
    const address = email();
    await signUpAs({ email: address });
    const user = await t.db.user.findUniqueOrThrow({ where: { email: address } });
    const upload = () =>
      createSubmission({ db: t.db, userId: user.id, kind: "csv", fileName: "p.csv", description: "", stream: new Uint8Array() });
    const unverified = await appError(upload());
    expect(unverified).toMatchObject({ code: "forbidden", userMessage: expect.stringMatching(/Confirm your e-mail address/) });
    await verifyEmail({ db: t.db, token: tokenInMail((await mailTo(address)).raw) });
    const noTerms = await appError(upload());
    expect(noTerms).toMatchObject({ code: "forbidden", userMessage: expect.stringMatching(/terms/) });
    await t.db.termsAcceptance.create({ data: { userId: user.id, termsVersion: CURRENT_TERMS.version } });
    // Past both checks: what refuses it now is something else (no dataset in this database).
    expect((await appError(upload())).code).not.toBe("forbidden");
  });
});

describe("callback URLs", () => {
  it("accepts only same-site paths", () => {
    expect(safeCallbackUrl("/submit?x=1")).toBe("/submit?x=1");
    for (const bad of ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "", 42, undefined, "/a\nb"]) {
      expect(safeCallbackUrl(bad, "/home")).toBe("/home");
    }
  });
});
