import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { isAppError } from "../errors/app-error";
import { describeEachEngine } from "../../test-support/test-db";
import { acceptTerms, acceptTermsInputSchema } from "./accept-terms";
import { assertTermsAccepted } from "./assert-terms-accepted";
import { getTermsStatus } from "./get-terms-status";
import { CURRENT_TERMS } from "./terms-document";
import { appErrorCodeOf } from "../../test-support/app-error-of";

const NEXT_VERSION = "2099-01-01";

it("the terms text carries the licence restrictions of the dataset", () => {
  const text = JSON.stringify(CURRENT_TERMS).toLowerCase();
  for (const phrase of ["copy", "publish", "distribute", "sell", "research", "celeba", "identify", "attribute file", "delete", "logged"]) {
    expect(text, phrase).toContain(phrase);
  }
  expect(CURRENT_TERMS.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
});

it("the accept form must tick the box", () => {
  expect(acceptTermsInputSchema.safeParse({ version: CURRENT_TERMS.version, agree: "on" }).success).toBe(true);
  expect(acceptTermsInputSchema.safeParse({ version: CURRENT_TERMS.version }).success).toBe(false);
  expect(acceptTermsInputSchema.safeParse({ version: CURRENT_TERMS.version, agree: "yes" }).success).toBe(false);
});

describeEachEngine("dataset terms", (t) => {
  const newUser = () => t.db.user.create({ data: { email: `terms-${randomBytes(6).toString("hex")}@example.org`, name: "Terms Tester" } });

  it("refuses a user who never accepted", async () => {
    const user = await newUser();
    const status = await getTermsStatus({ db: t.db, userId: user.id });
    expect(status).toMatchObject({
      currentVersion: CURRENT_TERMS.version,
      acceptedCurrent: false,
      acceptedAt: null,
      previousVersion: null,
    });
    expect(await appErrorCodeOf(assertTermsAccepted({ db: t.db, userId: user.id }))).toBe("forbidden");
  });

  it("lets a user in after accepting the current version, with time and IP recorded; accepting again changes nothing", async () => {
    const user = await newUser();
    const first = await acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: "203.0.113.9" });
    await expect(assertTermsAccepted({ db: t.db, userId: user.id })).resolves.toBeUndefined();
    const again = await acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: "198.51.100.1" });
    expect(again.acceptedAt.getTime()).toBe(first.acceptedAt.getTime());
    const rows = await t.db.termsAcceptance.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ termsVersion: CURRENT_TERMS.version, ip: "203.0.113.9" });
    const status = await getTermsStatus({ db: t.db, userId: user.id });
    expect(status.acceptedCurrent).toBe(true);
    expect(status.acceptedAt?.getTime()).toBe(first.acceptedAt.getTime());
  });

  it("two accepts at once leave one row", async () => {
    const user = await newUser();
    await Promise.all([1, 2, 3].map(() => acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: null })));
    expect(await t.db.termsAcceptance.count({ where: { userId: user.id } })).toBe(1);
  });

  it("only the current version can be accepted", async () => {
    const user = await newUser();
    expect(await appErrorCodeOf(acceptTerms({ db: t.db, userId: user.id, version: "2020-01-01", ip: null }))).toBe("validation");
    expect(await t.db.termsAcceptance.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a new version of the terms needs a new acceptance", async () => {
    const user = await newUser();
    await acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: null });
    // The terms move on: the old acceptance no longer opens the gate.
    const status = await getTermsStatus({ db: t.db, userId: user.id, currentVersion: NEXT_VERSION });
    expect(status).toMatchObject({ acceptedCurrent: false, previousVersion: CURRENT_TERMS.version });
    let error: unknown;
    await assertTermsAccepted({ db: t.db, userId: user.id, currentVersion: NEXT_VERSION }).catch((e) => (error = e));
    expect(isAppError(error) && error.code).toBe("forbidden");
    expect(isAppError(error) && error.userMessage).toMatch(/changed.*\/terms/);
    // Accepting the old text again does not help; accepting the new one does.
    expect(
      await appErrorCodeOf(
        acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: null, currentVersion: NEXT_VERSION }),
      ),
    ).toBe("validation");
    await acceptTerms({ db: t.db, userId: user.id, version: NEXT_VERSION, ip: null, currentVersion: NEXT_VERSION });
    await expect(assertTermsAccepted({ db: t.db, userId: user.id, currentVersion: NEXT_VERSION })).resolves.toBeUndefined();
    expect(await t.db.termsAcceptance.count({ where: { userId: user.id } })).toBe(2);
  });
});
