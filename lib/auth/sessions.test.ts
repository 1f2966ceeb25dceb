/*
 * Server-side sessions: the cookie only names a Session row, so ending the row ends the session
 * for every copy of the cookie. Break: a copied cookie used to keep working for 30 days after
 * sign-out.
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { changePassword } from "./change-password";
import { createSession, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./create-session";
import { endAllSessions, endSession } from "./end-sessions";
import { hashPassword } from "./password";
import { encodeSessionCookie, readSessionCookie } from "./read-session-cookie";
import { resolveSession } from "./resolve-session";

const secret = randomBytes(32).toString("hex");
const HOUR = 3600_000;

describeEachEngine("sessions", (t) => {
  const newUser = async (password = "old phrase for tests 1") =>
    t.db.user.create({
      data: {
        email: `s-${randomBytes(5).toString("hex")}@example.org`,
        name: `S ${randomBytes(4).toString("hex")}`,
        passwordHash: await hashPassword(password),
      },
    });

  it("break: a copied cookie stops working once its session is signed out", async () => {
    const user = await newUser();
    const token = await createSession({ db: t.db, userId: user.id, ip: "203.0.113.9", userAgent: "vitest" });
    const cookie = await encodeSessionCookie({ sessionToken: token, secret });
    const copy = `${cookie}`;
    expect(cookie).not.toContain(user.id);
    expect((await resolveSession({ db: t.db, token: await readSessionCookie({ cookie: copy, secret }) }))?.id).toBe(user.id);
    // Only the hash is stored.
    expect((await t.db.session.findFirstOrThrow({ where: { userId: user.id } })).tokenHash).not.toBe(token);
    await endSession({ db: t.db, token: await readSessionCookie({ cookie, secret }) });
    expect(await resolveSession({ db: t.db, token: await readSessionCookie({ cookie: copy, secret }) })).toBeNull();
    // Forged or foreign cookies name no session.
    expect(await readSessionCookie({ cookie: "garbage", secret })).toBeNull();
    expect(
      await readSessionCookie({
        cookie: await encodeSessionCookie({ sessionToken: token, secret: "another-secret-of-some-length" }),
        secret,
      }),
    ).toBeNull();
  });

  it("signs out everywhere, and a password change ends every other session", async () => {
    const user = await newUser();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => createSession({ db: t.db, userId: user.id })));
    expect(await endAllSessions({ db: t.db, userId: user.id, exceptToken: a })).toBe(2);
    expect(await resolveSession({ db: t.db, token: a })).not.toBeNull();
    expect(await resolveSession({ db: t.db, token: b })).toBeNull();
    const d = await createSession({ db: t.db, userId: user.id });
    expect(
      await changePassword({
        db: t.db,
        userId: user.id,
        currentPassword: "old phrase for tests 1",
        newPassword: "new phrase for tests 2",
        keepSessionToken: d,
      }),
    ).toEqual({ endedSessions: 1 });
    expect(await resolveSession({ db: t.db, token: d })).not.toBeNull();
    expect(await resolveSession({ db: t.db, token: a })).toBeNull();
    expect(await resolveSession({ db: t.db, token: c })).toBeNull();
    expect(
      (
        await changePassword({
          db: t.db,
          userId: user.id,
          currentPassword: "wrong",
          newPassword: "x y z w q r",
          keepSessionToken: d,
        }).catch((e) => e)
      ).code,
    ).toBe("validation");
    expect(
      (
        await changePassword({ db: t.db, userId: user.id, currentPassword: "new phrase for tests 2", newPassword: "password123" }).catch(
          (e) => e,
        )
      ).code,
    ).toBe("validation");
  });

  it("expires after a week idle, renews on use at most hourly, and ends after 30 days regardless", async () => {
    const user = await newUser();
    const start = new Date("2030-01-01T00:00:00Z");
    const token = await createSession({ db: t.db, userId: user.id, now: start });
    const row = () => t.db.session.findFirstOrThrow({ where: { userId: user.id } });
    // Used within the hour: no write.
    await resolveSession({ db: t.db, token, now: new Date(start.getTime() + 30 * 60_000) });
    expect((await row()).renewedAt.getTime()).toBe(start.getTime());
    // Used every six days: kept alive by renewal...
    let now = start.getTime();
    for (let day = 6; day <= 24; day += 6) {
      now = start.getTime() + day * 24 * HOUR;
      expect(await resolveSession({ db: t.db, token, now: new Date(now) })).not.toBeNull();
      expect((await row()).expiresAt.getTime()).toBe(Math.min(now + SESSION_IDLE_MS, start.getTime() + SESSION_ABSOLUTE_MS));
    }
    // ...but never past 30 days.
    expect(await resolveSession({ db: t.db, token, now: new Date(start.getTime() + SESSION_ABSOLUTE_MS + 1) })).toBeNull();
    expect(await t.db.session.count({ where: { userId: user.id } })).toBe(0);
    // A week without use ends it.
    const idle = await createSession({ db: t.db, userId: user.id, now: start });
    expect(await resolveSession({ db: t.db, token: idle, now: new Date(start.getTime() + SESSION_IDLE_MS + 1) })).toBeNull();
  });
});
