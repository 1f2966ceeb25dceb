import type { Metadata } from "next";
import { AuditQuery, listAuditEvents } from "@/lib/audit/list-audit-events";
import { getDb } from "@/lib/db/client";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DATE_FILTERS, FilteredList, cell, pageQuery, type SearchParams } from "../list-controls";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit trail", robots: { index: false } };

const PATH = "/organizer/audit";

/** Every organizer action, newest first. Read-only: the site has no way to edit or delete it. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer(PATH);
  const params = await searchParams;
  const query = pageQuery(AuditQuery, params);
  const list = await listAuditEvents({ db: getDb(), query });
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Audit trail</h1>
      <p className="max-w-3xl text-sm text-stone-600">
        Role changes, phase edits and reveals, disqualifications, suspensions and bans, rescores, exports, label downloads and every opening
        of a participant&rsquo;s submission or file. No page or API can change or delete these records.
      </p>
      <FilteredList
        path={PATH}
        params={params}
        filterLabel="Filter the audit trail"
        filters={[
          { name: "action", label: "Action (e.g. user.ban or user.)" },
          { name: "actor", label: "Actor e-mail contains" },
          { name: "target", label: "Target id" },
          ...DATE_FILTERS,
        ]}
        exportPath="/api/organizer/export/audit.csv"
        list={list}
        caption="Organizer actions, newest first"
        testId="audit-table"
        columns={["When", "Who", "Action", "Target", "What changed", "Address"]}
      >
        {list.rows.map((e) => (
          <tr key={e.id} className="border-b border-stone-100 align-top" data-testid="audit-row" data-action={e.action}>
            <td className={`${cell} whitespace-nowrap text-xs`}>{formatUtc(e.createdAt)}</td>
            <td className={`${cell} text-xs`}>{e.actorLabel}</td>
            <td className={`${cell} font-mono text-xs`}>{e.action}</td>
            <td className={`${cell} font-mono text-xs`}>
              {e.targetType}
              {e.targetId && `:${e.targetId}`}
            </td>
            <td className={`${cell} max-w-md break-all font-mono text-xs text-stone-600`}>{JSON.stringify(e.details)}</td>
            <td className={`${cell} font-mono text-xs`}>{e.ip || "—"}</td>
          </tr>
        ))}
      </FilteredList>
    </div>
  );
}
