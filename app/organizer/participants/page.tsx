import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { ParticipantsQuery, listParticipants } from "@/lib/organizer/list-participants";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { FilteredList, cell, fmtScore, numeric, pageQuery, type SearchParams } from "../list-controls";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Participants", robots: { index: false } };

const PATH = "/organizer/participants";

/** Every participant account, searchable by name or e-mail (the organizer check is in the layout). */
export default async function ParticipantsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer(PATH);
  const params = await searchParams;
  const query = pageQuery(ParticipantsQuery, params);
  const list = await listParticipants({ db: getDb(), query });
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Participants</h1>
      <FilteredList
        path={PATH}
        params={params}
        filterLabel="Search participants"
        filters={[
          { name: "q", label: "Name or e-mail" },
          { name: "status", label: "Status", options: ["active", "suspended", "banned"] },
        ]}
        exportPath="/api/organizer/export/participants.csv"
        list={list}
        caption="Participants, newest accounts first"
        testId="participants-table"
        columns={["Name", "E-mail", "Verified", "Status", "Terms", numeric("Submissions"), numeric("Best public"), "Last active"]}
      >
        {list.rows.map((p) => (
          <tr key={p.id} className="border-b border-stone-100" data-testid="participant-row" data-user-id={p.id}>
            <td className={cell}>
              <Link className="font-medium underline" href={`${PATH}/${p.id}`}>
                {p.name}
              </Link>
              {p.deleted && <span className="ml-1 text-xs text-stone-500">(deleted)</span>}
            </td>
            <td className={`${cell} text-xs`}>{p.email}</td>
            <td className={cell}>{p.emailVerified ? "yes" : "no"}</td>
            <td className={cell}>
              <span className={p.status === "active" ? "" : "rounded bg-red-100 px-1.5 text-xs font-medium text-red-800"}>{p.status}</span>
            </td>
            <td className={`${cell} text-xs`}>
              {p.termsVersion ? (
                <>
                  {p.termsVersion}
                  <div className="text-stone-500">{formatUtc(p.termsAcceptedAt!)}</div>
                </>
              ) : (
                "—"
              )}
            </td>
            <td className={`${cell} text-right tabular-nums`}>{p.submissions}</td>
            <td className={`${cell} text-right tabular-nums`}>{fmtScore(p.bestPublic)}</td>
            <td className={`${cell} whitespace-nowrap text-xs`}>{p.lastActiveAt ? formatUtc(p.lastActiveAt) : "—"}</td>
          </tr>
        ))}
      </FilteredList>
    </div>
  );
}
