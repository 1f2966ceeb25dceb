import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { describeEachEngine } from "../../test-support/test-db";
import { findOrCreateOAuthUser } from "./find-or-create-oauth-user";
import { verifyPassword } from "./password";
import { safeCallbackUrl } from "./safe-callback-url";
import { signUp } from "./sign-up";
import { verifyCredentials } from "./verify-credentials";

const email = () => `u-${randomBytes(5).toString("hex")}@example.org`;
const password = "correct horse battery";

async function expectAppError(promise: Promise<unknown>, code: AppError["code"]): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describeEachEngine("accounts", (t) => {
  it("signs up with an Argon2id hash that is never returned, lower-cases the address", async () => {
    const address = email();
    const user = await signUp({ db: t.db, input: { name: "  Ada  ", email: address.toUpperCase(), password } });
    expect(user).toMatchObject({ name: "Ada", email: address, role: "participant" });
    expect(user).not.toHaveProperty("passwordHash");
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword({ hash: stored.passwordHash!, password })).toBe(true);
    expect(await verifyPassword({ hash: "garbage", password })).toBe(false);
  });

  it("refuses bad fields with one message per field and creates nothing", async () => {
    const before = await t.db.user.count();
    const error = await expectAppError(signUp({ db: t.db, input: { name: "<b>", email: "not-an-address", password: "short" } }), "validation");
    expect(error.details?.map((d) => d.field).sort()).toEqual(["email", "name", "password"]);
    expect(error.details?.find((d) => d.field === "password")?.message).toMatch(/at least 10/);
    expect(await t.db.user.count()).toBe(before);
  });

  it("refuses a second account for the same address (any case)", async () => {
    const address = email();
    await signUp({ db: t.db, input: { name: "First", email: address, password } });
    const error = await expectAppError(signUp({ db: t.db, input: { name: "Second", email: address.toUpperCase(), password } }), "conflict");
    expect(error.userMessage).toMatch(/already exists/);
  });

  it("gives the organizer role to ORGANIZER_EMAILS, at sign-up and at sign-in", async () => {
    const org = email();
    expect((await signUp({ db: t.db, input: { name: "Org", email: org, password }, organizerEmails: [org] })).role).toBe("organizer");
    const later = email();
    await signUp({ db: t.db, input: { name: "Later", email: later, password } });
    const promoted = await verifyCredentials({ db: t.db, email: later, password, organizerEmails: [later] });
    expect(promoted.role).toBe("organizer");
  });

  it("checks credentials with one message for unknown address and wrong password", async () => {
    const address = email();
    await signUp({ db: t.db, input: { name: "Bob", email: address, password } });
    expect((await verifyCredentials({ db: t.db, email: ` ${address.toUpperCase()} `, password })).email).toBe(address);
    const wrong = await expectAppError(verifyCredentials({ db: t.db, email: address, password: "wrong password!" }), "unauthorized");
    const unknown = await expectAppError(verifyCredentials({ db: t.db, email: email(), password }), "unauthorized");
    expect(wrong.userMessage).toBe(unknown.userMessage);
    await expectAppError(verifyCredentials({ db: t.db, email: undefined, password: undefined }), "unauthorized");
  });

  it("rate-limits failed sign-ins per address, even with the right password, and a success resets the count", async () => {
    const address = email();
    await signUp({ db: t.db, input: { name: "Eve", email: address, password } });
    for (let i = 0; i < 4; i++) await expectAppError(verifyCredentials({ db: t.db, email: address, password: `wrong-${i}-password` }), "unauthorized");
    await verifyCredentials({ db: t.db, email: address, password }); // success clears the 4 failures
    for (let i = 0; i < 5; i++) await expectAppError(verifyCredentials({ db: t.db, email: address, password: `wrong-${i}-password` }), "unauthorized");
    const blocked = await expectAppError(verifyCredentials({ db: t.db, email: address, password }), "quota-exceeded");
    expect(blocked.userMessage).toMatch(/Too many failed sign-in attempts\. Try again in \d+ minutes?/);
    expect(blocked.retryAfterSeconds).toBeGreaterThan(800);
    // Another address is not affected.
    const other = email();
    await signUp({ db: t.db, input: { name: "Other", email: other, password } });
    expect((await verifyCredentials({ db: t.db, email: other, password })).email).toBe(other);
  });

  it("rate-limits per forwarded client IP across addresses", async () => {
    const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.7`;
    for (let i = 0; i < 20; i++) await expectAppError(verifyCredentials({ db: t.db, email: email(), password, ip }), "unauthorized");
    const address = email();
    await signUp({ db: t.db, input: { name: "Victim", email: address, password } });
    await expectAppError(verifyCredentials({ db: t.db, email: address, password, ip }), "quota-exceeded");
    expect((await verifyCredentials({ db: t.db, email: address, password, ip: "10.9.9.9" })).email).toBe(address);
  });

  it("links an OAuth sign-in to the account with the same address, or creates one without a password", async () => {
    const address = email();
    const existing = await signUp({ db: t.db, input: { name: "Linked", email: address, password } });
    expect((await findOrCreateOAuthUser({ db: t.db, email: address.toUpperCase(), name: "Whatever" })).id).toBe(existing.id);
    const fresh = await findOrCreateOAuthUser({ db: t.db, email: email(), name: null });
    expect(fresh.name).toMatch(/^u-/);
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: fresh.id }, omit: { passwordHash: false } });
    expect(stored.passwordHash).toBeNull();
    // No password: credentials sign-in is refused, not crashed.
    await expectAppError(verifyCredentials({ db: t.db, email: fresh.email, password }), "unauthorized");
    await expectAppError(findOrCreateOAuthUser({ db: t.db, email: null, name: "x" }), "unauthorized");
  });
});

it("accepts only same-site paths as callback URLs", () => {
  expect(safeCallbackUrl("/submit?x=1")).toBe("/submit?x=1");
  for (const bad of ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "", 42, undefined, "/a\nb"]) {
    expect(safeCallbackUrl(bad, "/home")).toBe("/home");
  }
});
