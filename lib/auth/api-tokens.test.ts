/*
 * Personal API tokens: only the hash is stored, scopes are enforced, revoked and expired tokens
 * are refused, the last use is recorded, each token is rate-limited, and the token works only
 * where require-api-user.ts is called (the participant API).
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { appError } from "../../test-support/app-error-of";
import { describeEachEngine } from "../../test-support/test-db";
import { API_TOKEN_TOUCH_EVERY_MS, resolveApiToken } from "./resolve-api-token";
import { createApiToken, MAX_API_TOKENS_PER_USER } from "./create-api-token";
import { listApiTokens } from "./list-api-tokens";
import { revokeApiToken } from "./revoke-api-token";
import { hashToken } from "./hash-token";

describeEachEngine("personal API tokens", (t) => {
  const newUser = () =>
    t.db.user.create({
      data: {
        email: `tok-${randomBytes(5).toString("hex")}@example.org`,
        name: `Tok ${randomBytes(4).toString("hex")}`,
        emailVerifiedAt: new Date(),
      },
    });
  const resolve = (token: string, scope: "read" | "submit", extra: { now?: Date; ratePerMinute?: number } = {}) =>
    resolveApiToken({ db: t.db, token, scope, ratePerMinute: extra.ratePerMinute ?? 1000, client: "203.0.113.5", now: extra.now });

  it("stores only the hash and a display prefix; the token resolves to its owner", async () => {
    const user = await newUser();
    const created = await createApiToken({ db: t.db, userId: user.id, input: { name: "laptop", scopes: ["read", "submit"] } });
    expect(created.token).toMatch(/^tp_[A-Za-z0-9_-]{43}$/);
    const rows = await t.db.apiToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(11));
    expect(rows[0].prefix).toBe(created.token.slice(0, 11));
    const resolved = await resolve(created.token, "submit");
    expect(resolved).toMatchObject({ id: user.id, email: user.email, role: "participant", emailVerified: true });
    // Listing never returns the secret.
    const listed = await listApiTokens({ db: t.db, userId: user.id });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed[0]).toMatchObject({ name: "laptop", scopes: ["read", "submit"], expired: false });
  });

  it("enforces scopes: a read token cannot submit, a submit-only token cannot read", async () => {
    const user = await newUser();
    const read = await createApiToken({ db: t.db, userId: user.id, input: { name: "read only", scopes: ["read"] } });
    const submit = await createApiToken({ db: t.db, userId: user.id, input: { name: "submit only", scopes: ["submit"] } });
    expect((await resolve(read.token, "read")).id).toBe(user.id);
    expect(await appError(resolve(read.token, "submit"))).toMatchObject({ code: "forbidden" });
    expect((await resolve(submit.token, "submit")).id).toBe(user.id);
    expect(await appError(resolve(submit.token, "read"))).toMatchObject({ code: "forbidden" });
    expect((await appError(createApiToken({ db: t.db, userId: user.id, input: { name: "none", scopes: [] } }))).code).toBe("validation");
    expect((await appError(createApiToken({ db: t.db, userId: user.id, input: { name: "admin", scopes: ["admin"] } }))).code).toBe(
      "validation",
    );
  });

  it("refuses revoked, expired, forged and malformed tokens; nobody revokes another's token", async () => {
    const user = await newUser();
    const other = await newUser();
    const now = new Date("2031-05-01T00:00:00Z");
    const expiring = await createApiToken({ db: t.db, userId: user.id, input: { name: "a day", scopes: ["read"], expiresInDays: 1 }, now });
    expect((await resolve(expiring.token, "read", { now: new Date(now.getTime() + 23 * 3600_000) })).id).toBe(user.id);
    const expired = await appError(resolve(expiring.token, "read", { now: new Date(now.getTime() + 24 * 3600_000) }));
    expect(expired).toMatchObject({ code: "unauthorized" });
    expect(expired.message).toContain("expired");

    const revocable = await createApiToken({ db: t.db, userId: user.id, input: { name: "to revoke", scopes: ["read"] } });
    expect((await appError(revokeApiToken({ db: t.db, userId: other.id, tokenId: revocable.id }))).code).toBe("not-found");
    expect((await resolve(revocable.token, "read")).id).toBe(user.id);
    await revokeApiToken({ db: t.db, userId: user.id, tokenId: revocable.id });
    expect((await appError(resolve(revocable.token, "read"))).code).toBe("unauthorized");

    const forged = `tp_${randomBytes(32).toString("base64url")}`;
    expect((await appError(resolve(forged, "read"))).code).toBe("unauthorized");
    // A session token or a link token is not an API token, even with a valid hash somewhere.
    expect((await appError(resolve(revocable.token.slice(3), "read"))).code).toBe("unauthorized");
    expect((await appError(resolve("tp_short", "read"))).code).toBe("unauthorized");
  });

  it("records the last use at most once a minute", async () => {
    const user = await newUser();
    const { token, id } = await createApiToken({ db: t.db, userId: user.id, input: { name: "ci", scopes: ["read"] } });
    const row = () => t.db.apiToken.findUniqueOrThrow({ where: { id } });
    expect((await row()).lastUsedAt).toBeNull();
    const first = new Date("2031-06-01T10:00:00Z");
    await resolve(token, "read", { now: first });
    expect((await row()).lastUsedAt?.getTime()).toBe(first.getTime());
    expect((await row()).lastUsedIp).toBe("203.0.113.5");
    await resolve(token, "read", { now: new Date(first.getTime() + 10_000) });
    expect((await row()).lastUsedAt?.getTime()).toBe(first.getTime());
    const later = new Date(first.getTime() + API_TOKEN_TOUCH_EVERY_MS);
    await resolve(token, "read", { now: later });
    expect((await row()).lastUsedAt?.getTime()).toBe(later.getTime());
  });

  it("rate-limits each token on its own, with Retry-After", async () => {
    const user = await newUser();
    const a = await createApiToken({ db: t.db, userId: user.id, input: { name: "a", scopes: ["read"] } });
    const b = await createApiToken({ db: t.db, userId: user.id, input: { name: "b", scopes: ["read"] } });
    for (let i = 0; i < 3; i++) await resolve(a.token, "read", { ratePerMinute: 3 });
    const limited = await appError(resolve(a.token, "read", { ratePerMinute: 3 }));
    expect(limited.code).toBe("quota-exceeded");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another token of the same user is not affected.
    expect((await resolve(b.token, "read", { ratePerMinute: 3 })).id).toBe(user.id);
  });

  it("caps how many tokens one account holds", async () => {
    const user = await newUser();
    for (let i = 0; i < MAX_API_TOKENS_PER_USER; i++)
      await createApiToken({ db: t.db, userId: user.id, input: { name: `t${i}`, scopes: ["read"] } });
    expect((await appError(createApiToken({ db: t.db, userId: user.id, input: { name: "one more", scopes: ["read"] } }))).code).toBe(
      "conflict",
    );
  });
});
