/*
 * The account page's operations: renaming under the uniqueness rule, listing and revoking one's
 * own sessions (never someone else's), the data export (no secrets, no withheld hidden-split
 * details) and deletion (anonymised, signed out everywhere, submissions kept).
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { appError } from "../../test-support/app-error-of";
import { describeEachEngine } from "../../test-support/test-db";
import { createApiToken } from "../auth/create-api-token";
import { createSession } from "../auth/create-session";
import { hashPassword } from "../auth/password";
import { resolveApiToken } from "../auth/resolve-api-token";
import { resolveSession } from "../auth/resolve-session";
import { verifyCredentials } from "../auth/verify-credentials";
import { changeDisplayName } from "./change-display-name";
import { deleteAccount, deletedAccountName } from "./delete-account";
import { exportAccountData } from "./export-account-data";
import { listSessions } from "./list-sessions";
import { revokeSession } from "./revoke-session";

const PASSWORD = "a long enough phrase 42";

describeEachEngine("account operations", (t) => {
  const newUser = async (name = `Acc ${randomBytes(4).toString("hex")}`) =>
    t.db.user.create({
      data: {
        email: `acc-${randomBytes(5).toString("hex")}@example.org`,
        name,
        nameKey: name.toLowerCase(),
        passwordHash: await hashPassword(PASSWORD),
        emailVerifiedAt: new Date(),
      },
    });

  it("renames under the sign-up rules: unique ignoring case, reserved words refused", async () => {
    const alice = await newUser(`Alice ${randomBytes(3).toString("hex")}`);
    const bob = await newUser();
    expect(await changeDisplayName({ db: t.db, userId: bob.id, name: "  Robert  the Builder " })).toEqual({ name: "Robert  the Builder" });
    expect((await appError(changeDisplayName({ db: t.db, userId: bob.id, name: alice.name.toUpperCase() }))).code).toBe("validation");
    for (const name of ["Organizer Bob", "deleted-abc12345", "x", "<b>bob</b>"]) {
      expect((await appError(changeDisplayName({ db: t.db, userId: bob.id, name }))).code).toBe("validation");
    }
    // Changing the case of one's own name is fine.
    expect(await changeDisplayName({ db: t.db, userId: alice.id, name: alice.name.toLowerCase() })).toEqual({
      name: alice.name.toLowerCase(),
    });
  });

  it("lists one's sessions with the current one marked, and revokes only one's own", async () => {
    const user = await newUser();
    const other = await newUser();
    const mine = await createSession({ db: t.db, userId: user.id, ip: "198.51.100.1", userAgent: "Firefox" });
    const laptop = await createSession({ db: t.db, userId: user.id, ip: "198.51.100.2", userAgent: "curl/8" });
    const theirs = await createSession({ db: t.db, userId: other.id });
    const sessions = await listSessions({ db: t.db, userId: user.id, currentToken: mine });
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)).toMatchObject({ ip: "198.51.100.1", userAgent: "Firefox" });
    expect(JSON.stringify(sessions)).not.toContain("tokenHash");
    const laptopId = sessions.find((s) => !s.current)!.id;
    const theirId = (await listSessions({ db: t.db, userId: other.id }))[0].id;
    expect((await appError(revokeSession({ db: t.db, userId: user.id, sessionId: theirId }))).code).toBe("not-found");
    expect(await resolveSession({ db: t.db, token: theirs })).not.toBeNull();
    await revokeSession({ db: t.db, userId: user.id, sessionId: laptopId });
    expect(await resolveSession({ db: t.db, token: laptop })).toBeNull();
    expect(await resolveSession({ db: t.db, token: mine })).not.toBeNull();
  });

  it("exports the account's data without secrets or withheld hidden-split details", async () => {
    const user = await newUser();
    const created = await createApiToken({ db: t.db, userId: user.id, input: { name: "export test", scopes: ["read"] } });
    const session = await createSession({ db: t.db, userId: user.id, ip: "198.51.100.7" });
    await t.db.termsAcceptance.create({ data: { userId: user.id, termsVersion: "test-v1", ip: "198.51.100.7" } });
    const data = await exportAccountData({ db: t.db, userId: user.id });
    const text = JSON.stringify(data);
    expect(data.account).toMatchObject({ id: user.id, email: user.email, name: user.name });
    expect(data.termsAcceptances).toHaveLength(1);
    expect(data.sessions).toHaveLength(1);
    expect(data.apiTokens).toMatchObject([{ name: "export test", scopes: ["read"] }]);
    for (const secret of [created.token, session, "passwordHash", "tokenHash", "privateMain", "confusion"])
      expect(text).not.toContain(secret);
    expect(Array.isArray(data.submissions)).toBe(true);
  });

  it("deletes by anonymising: signed out everywhere, tokens gone, the name freed, submissions kept", async () => {
    const user = await newUser();
    const session = await createSession({ db: t.db, userId: user.id });
    const { token } = await createApiToken({ db: t.db, userId: user.id, input: { name: "cli", scopes: ["read"] } });
    const dataset = await t.db.dataset.create({
      data: {
        buildId: `b-${randomBytes(4).toString("hex")}`,
        sourceKind: "synthetic",
        sourcePath: "/x",
        totalCount: 1,
        trainCount: 1,
        testCount: 0,
        publicCount: 0,
        privateCount: 0,
        labelStats: {},
        splitSeedHash: "x",
        preparedAt: new Date(),
      },
    });
    await t.db.submission.create({
      data: { userId: user.id, datasetId: dataset.id, kind: "csv", fileKey: "k", fileName: "p.csv", fileSize: 1, sha256: "0".repeat(64) },
    });

    expect((await appError(deleteAccount({ db: t.db, userId: user.id, confirmation: "wrong password" }))).code).toBe("validation");
    expect(await deleteAccount({ db: t.db, userId: user.id, confirmation: PASSWORD })).toEqual({ name: deletedAccountName(user.id) });

    const after = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(after).toMatchObject({ name: deletedAccountName(user.id), passwordHash: null, emailVerifiedAt: null, role: "participant" });
    expect(after.email).not.toBe(user.email);
    expect(after.deletedAt).not.toBeNull();
    expect(await resolveSession({ db: t.db, token: session })).toBeNull();
    expect((await appError(resolveApiToken({ db: t.db, token, scope: "read", ratePerMinute: 100 }))).code).toBe("unauthorized");
    expect(await t.db.submission.count({ where: { userId: user.id } })).toBe(1);
    expect(
      (
        await appError(
          verifyCredentials({ db: t.db, email: user.email, password: PASSWORD, client: `test-${randomBytes(4).toString("hex")}` }),
        )
      ).code,
    ).toBe("unauthorized");
    // The address and the old name are free for someone new.
    const again = await t.db.user.create({ data: { email: user.email, name: user.name, nameKey: user.name.toLowerCase() } });
    expect(again.id).not.toBe(user.id);
    expect((await appError(deleteAccount({ db: t.db, userId: user.id, confirmation: "" }))).code).toBe("not-found");
  });
});
