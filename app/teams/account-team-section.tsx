import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { getTeam } from "@/lib/teams/get-team";
import { getTeamPhaseRules } from "@/lib/teams/team-phase-rules";
import { getUserTeam } from "@/lib/teams/get-user-team";
import { createTeamAction, leaveTeamAction } from "./actions";
import { ActionForm } from "../account/action-form";
import { TeamInvitesPanel } from "./team-invites-panel";

const card = "space-y-4 rounded border border-stone-200 bg-white p-4";
const input = "w-full rounded border border-stone-300 bg-white px-3 py-2 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500";

/** The account page's Team section: form a team, or see yours, invite, leave. */
export async function AccountTeamSection(props: { user: { id: string; role: string } }) {
  const db = getDb();
  const [membership, rules] = await Promise.all([getUserTeam({ db, userId: props.user.id }), getTeamPhaseRules({ db, now: new Date() })]);
  const team = membership ? await getTeam({ db, teamId: membership.id, viewer: props.user }) : null;
  const limits = `Teams of up to ${rules.sizeCap} in this phase${rules.deadline ? `; forming, joining and merging close on ${formatUtc(rules.deadline)}` : ""}.`;
  return (
    <section aria-labelledby="team" className={card} data-testid="account-team">
      <h2 id="team" className="text-lg font-semibold">
        Team
      </h2>
      {!team ? (
        <>
          <p className="text-sm text-stone-600">
            A team shares one daily submission limit, one set of final picks and one line on the leaderboard. {limits} To join a team, open
            the invitation link a member sends you.
          </p>
          <ActionForm action={createTeamAction} submitLabel="Form a team" testId="create-team-form">
            <label className="block text-sm font-medium" htmlFor="team-name">
              Team name
            </label>
            <input id="team-name" name="name" className={input} required minLength={2} maxLength={60} autoComplete="off" />
          </ActionForm>
        </>
      ) : (
        <>
          <p className="text-sm">
            You are {membership?.role === "captain" ? "the captain" : "a member"} of{" "}
            <Link className="font-medium underline" href={`/teams/${team.id}`} data-testid="my-team-link">
              {team.name}
            </Link>{" "}
            ({team.members.map((m) => m.name).join(", ")}). {limits}
          </p>
          <TeamInvitesPanel teamId={team.id} invites={team.invites ?? []} />
          <ActionForm action={leaveTeamAction} submitLabel="Leave the team" danger testId="leave-team-form">
            <p className="text-sm text-stone-600">
              The entries you made in the team stay with it.{" "}
              {membership?.role === "captain" ? "The member who joined first becomes captain; " : ""}
              if you are the last member, the team is disbanded.
            </p>
          </ActionForm>
        </>
      )}
    </section>
  );
}
