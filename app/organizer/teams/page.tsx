import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { listTeams } from "@/lib/teams/list-teams";
import { DataTable } from "../../data-table";
import { cell } from "../list-controls";
import { TeamAdminAction } from "./team-admin-actions";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Teams", robots: { index: false } };

/** Every team, newest first, disbanded ones included; remove a member or disband (the organizer check is in the layout). */
export default async function OrganizerTeamsPage() {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer("/organizer/teams");
  const teams = await listTeams({ db: getDb(), includeDisbanded: true });
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Teams</h1>
      <p className="text-sm text-stone-600">
        Removing a member works as if they left (a captain hands over to the oldest member). Disbanding makes every member solo again and
        gives the team&apos;s entries back to their authors. Both are recorded in the audit trail.
      </p>
      <DataTable
        caption="Teams, newest first"
        smallHeader
        testId="organizer-teams-table"
        columns={[
          { label: "Team" },
          { label: "Members" },
          { label: "Entries", className: "text-right" },
          { label: "Formed" },
          { label: "" },
        ]}
      >
        {teams.map((team) => (
          <tr key={team.id} className="border-b border-stone-100 align-top" data-testid="organizer-team-row">
            <td className={cell}>
              {team.disbandedAt ? (
                <span className="text-stone-500">
                  {team.name} <span className="text-xs">(disbanded {formatUtc(team.disbandedAt)})</span>
                </span>
              ) : (
                <Link className="font-medium underline" href={`/teams/${team.id}`}>
                  {team.name}
                </Link>
              )}
            </td>
            <td className={cell}>
              <ul className="space-y-1">
                {team.members.map((m) => (
                  <li key={m.userId} className="flex flex-wrap items-center gap-2">
                    <Link className="underline" href={`/organizer/participants/${m.userId}`}>
                      {m.name}
                    </Link>
                    {m.role === "captain" && <span className="text-xs text-stone-500">captain</span>}
                    <TeamAdminAction teamId={team.id} teamName={team.name} member={{ userId: m.userId!, name: m.name }} />
                  </li>
                ))}
              </ul>
            </td>
            <td className={`${cell} text-right tabular-nums`}>{team.submissions}</td>
            <td className={cell}>{formatUtc(team.createdAt)}</td>
            <td className={cell}>{!team.disbandedAt && <TeamAdminAction teamId={team.id} teamName={team.name} />}</td>
          </tr>
        ))}
      </DataTable>
      {teams.length === 0 && <p className="text-sm text-stone-600">No team has been formed yet.</p>}
    </div>
  );
}
