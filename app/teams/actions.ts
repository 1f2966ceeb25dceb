"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { isAppError, toUserError } from "@/lib/errors/app-error";
import { acceptTeamInvite } from "@/lib/teams/accept-team-invite";
import { createTeam } from "@/lib/teams/create-team";
import { createTeamInvite } from "@/lib/teams/create-team-invite";
import { leaveTeam } from "@/lib/teams/leave-team";
import { revokeTeamInvite } from "@/lib/teams/revoke-team-invite";

/**
 * The team forms' actions (account page, team page, accept page). Session only, like the
 * account page's: they answer a state the form shows; an invitation link is in it once.
 */
export interface TeamActionState {
  ok?: string;
  error?: string;
  /** A new invitation link: shown once, never stored. */
  link?: string;
}

async function run(
  formData: unknown,
  back: string,
  work: (user: CurrentUser, form: FormData) => Promise<TeamActionState>,
): Promise<TeamActionState> {
  if (!(formData instanceof FormData)) return { error: "The form was not sent as a form." };
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  try {
    const state = await work(user, formData);
    revalidatePath("/account");
    revalidatePath("/teams/[id]", "page");
    return state;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { error: toUserError(error).message };
  }
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").slice(0, 1000);

export async function createTeamAction(_state: TeamActionState, formData: FormData): Promise<TeamActionState> {
  return run(formData, "/account", async (user, form) => {
    const team = await createTeam({ db: getDb(), userId: user.id, name: text(form, "name") });
    return { ok: `You formed the team "${team.name}" and are its captain. Invite your teammates below.` };
  });
}

export async function inviteAction(_state: TeamActionState, formData: FormData): Promise<TeamActionState> {
  return run(formData, "/account", async (user, form) => {
    const email = text(form, "email").trim();
    const created = await createTeamInvite({ db: getDb(), userId: user.id, teamId: text(form, "teamId"), input: email ? { email } : {} });
    if (created.link)
      return { ok: "Send this link to your teammate. It works once, for 7 days; it is shown only now.", link: created.link };
    return { ok: `Invitation sent to ${created.invite.email}. It works once, for 7 days.` };
  });
}

export async function revokeInviteAction(_state: TeamActionState, formData: FormData): Promise<TeamActionState> {
  return run(formData, "/account", async (user, form) => {
    await revokeTeamInvite({ db: getDb(), userId: user.id, teamId: text(form, "teamId"), inviteId: text(form, "inviteId") });
    return { ok: "Invitation revoked: its link no longer works." };
  });
}

export async function leaveTeamAction(_state: TeamActionState, formData: FormData): Promise<TeamActionState> {
  return run(formData, "/account", async (user) => {
    const result = await leaveTeam({ db: getDb(), userId: user.id });
    return { ok: result.disbanded ? "You left the team; you were its last member, so it is disbanded." : "You left the team." };
  });
}

export async function acceptInviteAction(_state: TeamActionState, formData: FormData): Promise<TeamActionState> {
  const sent = formData instanceof FormData ? formData.get("token") : null;
  const token = typeof sent === "string" ? sent.slice(0, 200) : "";
  let teamId: string | undefined;
  const state = await run(formData, `/teams/join/${token}`, async (user) => {
    teamId = (await acceptTeamInvite({ db: getDb(), userId: user.id, token })).plan.team.id;
    return {};
  });
  if (teamId) redirect(`/teams/${teamId}?joined=1`);
  return state;
}
