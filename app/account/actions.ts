"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changeDisplayName } from "@/lib/account/change-display-name";
import { setAnnouncementPreference } from "@/lib/announcements/set-announcement-preference";
import { deleteAccount } from "@/lib/account/delete-account";
import { revokeSession } from "@/lib/account/revoke-session";
import { changePassword } from "@/lib/auth/change-password";
import { createApiToken } from "@/lib/auth/create-api-token";
import { endAllSessions } from "@/lib/auth/end-sessions";
import { getCurrentUser, getSessionToken, type CurrentUser } from "@/lib/auth/get-current-user";
import { requestEmailChange } from "@/lib/auth/request-email-change";
import { revokeApiToken } from "@/lib/auth/revoke-api-token";
import { getDb } from "@/lib/db/client";
import { isAppError, toUserError } from "@/lib/errors/app-error";

/**
 * The account page's actions. Each needs the browser session (getCurrentUser reads the cookie
 * only): a personal API token never reaches them, so a leaked token cannot rename the account,
 * change its password or address, mint tokens or delete it. Each answers a state the form shows.
 */
export interface AccountActionState {
  ok?: string;
  error?: string;
  /** A newly created API token, shown once. */
  token?: { value: string; name: string };
}

async function run(
  formData: unknown,
  work: (user: CurrentUser, form: FormData) => Promise<AccountActionState>,
): Promise<AccountActionState> {
  if (!(formData instanceof FormData)) return { error: "The form was not sent as a form." };
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Faccount");
  try {
    const state = await work(user, formData);
    revalidatePath("/account");
    return state;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { error: toUserError(error).message };
  }
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").slice(0, 1000);

export async function changeNameAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    const { name } = await changeDisplayName({ db: getDb(), userId: user.id, name: text(form, "name") });
    return { ok: `You now appear as "${name}".` };
  });
}

export async function setAnnouncementsAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    const subscribed = text(form, "subscribed") === "1";
    await setAnnouncementPreference({ db: getDb(), userId: user.id, subscribed });
    return { ok: subscribed ? "You will receive announcement e-mails again." : "You will no longer receive announcement e-mails." };
  });
}

export async function changeEmailAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    const { email } = await requestEmailChange({ db: getDb(), userId: user.id, newEmail: text(form, "email") });
    return { ok: `We sent a confirmation link to ${email}. Your address changes when you follow it; until then the old one stays.` };
  });
}

export async function changePasswordAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    const { endedSessions } = await changePassword({
      db: getDb(),
      userId: user.id,
      currentPassword: text(form, "currentPassword"),
      newPassword: text(form, "newPassword"),
      keepSessionToken: await getSessionToken(),
    });
    return { ok: `Password changed. ${endedSessions === 1 ? "1 other session was" : `${endedSessions} other sessions were`} signed out.` };
  });
}

export async function signOutEverywhereAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user) => {
    const count = await endAllSessions({ db: getDb(), userId: user.id, exceptToken: await getSessionToken() });
    return { ok: `Signed out everywhere else (${count === 1 ? "1 session" : `${count} sessions`}).` };
  });
}

export async function revokeSessionAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    await revokeSession({ db: getDb(), userId: user.id, sessionId: text(form, "sessionId") });
    return { ok: "That session was signed out." };
  });
}

export async function createTokenAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    const days = text(form, "expiresInDays");
    const created = await createApiToken({
      db: getDb(),
      userId: user.id,
      input: { name: text(form, "name"), scopes: form.getAll("scopes").map(String), expiresInDays: days ? Number(days) : null },
    });
    return { token: { value: created.token, name: created.name } };
  });
}

export async function revokeTokenAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  return run(formData, async (user, form) => {
    await revokeApiToken({ db: getDb(), userId: user.id, tokenId: text(form, "tokenId") });
    return { ok: "The token was revoked; it stops working at once." };
  });
}

export async function deleteAccountAction(_state: AccountActionState, formData: FormData): Promise<AccountActionState> {
  const state = await run(formData, async (user, form) => {
    await deleteAccount({ db: getDb(), userId: user.id, confirmation: text(form, "confirmation") });
    return { ok: "deleted" };
  });
  if (state.ok === "deleted") redirect("/?account-deleted=1");
  return state;
}
