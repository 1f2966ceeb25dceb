import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { plural } from "@/lib/format/plural";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { getTeam, type TeamView } from "@/lib/teams/get-team";
import { formatScore } from "../../leaderboard/leaderboard-format";
import { DataTable } from "../../data-table";
import { TeamInvitesPanel } from "../team-invites-panel";

export const dynamic = "force-dynamic";

const card = "space-y-3 rounded border border-stone-200 bg-white p-4";
const cell = "px-3 py-2";

async function loadTeam(id: string): Promise<TeamView> {
  const viewer = await getCurrentUser();
  try {
    return await getTeam({ db: getDb(), teamId: id, viewer });
  } catch (error) {
    if (isAppError(error) && error.code === "not-found") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const team = await loadTeam((await params).id);
  return { title: `Team ${team.name}` };
}

/** A team, for everyone: name, members, entries and best score; members also manage invitations. */
export default async function TeamPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ joined?: string }>;
}) {
  const team = await loadTeam((await params).id);
  const joined = (await searchParams).joined === "1" && team.viewerIsMember;
  return (
    <div className="max-w-4xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight" data-testid="team-name">
          {team.name}
        </h1>
        <p className="text-sm text-stone-600">
          Team formed {formatUtc(team.createdAt)} · {plural(team.members.length, "member")} · best public score{" "}
          <strong data-testid="team-best">{team.bestPublic === null ? "none yet" : formatScore(team.bestPublic)}</strong>
          {team.disbandedAt && <> · disbanded {formatUtc(team.disbandedAt)}</>}
        </p>
        {joined && (
          <p className="rounded border border-teal-300 bg-teal-50 p-3 text-sm text-teal-900" role="status">
            Welcome to the team. You now share its daily limit, final picks and leaderboard line.
          </p>
        )}
      </header>

      <section aria-labelledby="members" className={card}>
        <h2 id="members" className="text-lg font-semibold">
          Members
        </h2>
        <ul className="divide-y divide-stone-200 text-sm" data-testid="team-members">
          {team.members.map((m) => (
            <li key={`${m.name}-${m.joinedAt.getTime()}`} className="flex flex-wrap justify-between gap-2 py-2">
              <span>
                <span className="font-medium">{m.name}</span>{" "}
                {m.role === "captain" && <span className="text-xs text-stone-500">captain</span>}
              </span>
              <span className="text-stone-600">joined {formatUtc(m.joinedAt)}</span>
            </li>
          ))}
        </ul>
      </section>

      {team.viewerIsMember && team.invites && (
        <section aria-labelledby="invite" className={card}>
          <h2 id="invite" className="text-lg font-semibold">
            Invite teammates
          </h2>
          <TeamInvitesPanel teamId={team.id} invites={team.invites} />
        </section>
      )}

      <section aria-labelledby="entries" className="space-y-2">
        <h2 id="entries" className="text-lg font-semibold">
          Entries
        </h2>
        {team.entries.length === 0 ? (
          <p className="text-sm text-stone-600">No scored entry yet.</p>
        ) : (
          <DataTable
            caption="The team's scored entries, newest first (public score as the leaderboard shows it)"
            testId="team-entries"
            columns={[
              { label: "When" },
              { label: "By" },
              { label: "Kind" },
              { label: "Public score", className: "text-right" },
              ...(team.viewerIsMember ? [{ label: "Final pick" }] : []),
            ]}
          >
            {team.entries.map((e) => (
              <tr key={e.id} className="border-b border-stone-100">
                <td className={cell}>{formatUtc(e.createdAt)}</td>
                <td className={cell}>{e.author}</td>
                <td className={cell}>{e.kind}</td>
                <td className={`${cell} text-right tabular-nums`}>{formatScore(e.publicMain)}</td>
                {team.viewerIsMember && <td className={cell}>{e.isFinal ? "yes" : ""}</td>}
              </tr>
            ))}
          </DataTable>
        )}
        <p className="text-sm">
          <Link className="underline" href="/leaderboard">
            See the leaderboard
          </Link>
        </p>
      </section>
    </div>
  );
}
