import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { SubmissionsQuery, listSubmissionPage } from "@/lib/organizer/list-submission-page";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { countRescoreCandidates } from "@/lib/rescore/count-rescore-candidates";
import { getRescoreProgress } from "@/lib/rescore/get-rescore-progress";
import { RescorePanel } from "../rescore-panel";
import {
  DateFields,
  FilterField,
  FilterForm,
  PagedTable,
  SUBMISSION_COLUMNS,
  SubmissionCells,
  cell,
  hrefWith,
  pageQuery,
  type SearchParams,
} from "../list-controls";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "All submissions", robots: { index: false } };

const PATH = "/organizer/submissions";
const day = (d: Date | undefined) => d?.toISOString().slice(0, 10);

/** Every submission, filtered by status, kind, participant and date; each links to its page and file. */
export default async function SubmissionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer(PATH);
  const params = await searchParams;
  const query = pageQuery(SubmissionsQuery, params);
  const db = getDb();
  // "Rescore all N matching": the list's filter as typed (strings), without its paging.
  const rescoreFilter = Object.fromEntries(
    Object.keys(SubmissionsQuery.shape)
      .filter((k) => k !== "page" && k !== "pageSize" && typeof params[k] === "string" && params[k] !== "")
      .map((k) => [k, params[k] as string]),
  );
  const [list, matching, batches, phases] = await Promise.all([
    listSubmissionPage({ db, query }),
    countRescoreCandidates({ db, scope: { filter: rescoreFilter } }),
    getRescoreProgress({ db, limit: 5 }),
    db.phase.findMany({ orderBy: { startsAt: "asc" }, select: { id: true, name: true } }),
  ]);
  const filters = {
    status: query.status,
    kind: query.kind,
    participant: query.participant,
    from: typeof params.from === "string" ? params.from : undefined,
    to: typeof params.to === "string" ? params.to : undefined,
  };
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">All submissions</h1>
      <FilterForm action={PATH} label="Filter submissions" exportHref={hrefWith("/api/organizer/export/submissions.csv", filters, {})}>
        <FilterField name="status" label="Status" value={query.status} options={["queued", "running", "scored", "failed"]} />
        <FilterField name="kind" label="Kind" value={query.kind} options={["csv", "model"]} />
        <FilterField name="participant" label="Participant (e-mail or id)" value={query.participant} />
        <DateFields from={day(query.from)} to={filters.to} />
      </FilterForm>
      <RescorePanel
        filter={rescoreFilter}
        matching={matching.count}
        phases={phases}
        initial={batches.map((b) => ({ ...b, createdAt: b.createdAt.toISOString() }))}
      />
      <PagedTable
        path={PATH}
        params={params}
        list={list}
        caption="Submissions, newest first"
        testId="all-submissions-table"
        columns={[...SUBMISSION_COLUMNS, { label: "" }]}
      >
        {list.rows.map((s) => (
          <tr
            key={s.id}
            className={`border-b border-stone-100 ${s.disqualifiedAt ? "bg-red-50/40" : ""}`}
            data-testid="all-submissions-row"
          >
            <td className={`${cell} whitespace-nowrap text-xs`}>{formatUtc(s.createdAt)}</td>
            <td className={`${cell} text-xs`}>
              <Link className="underline" href={`/organizer/participants/${s.user.id}`}>
                {s.user.name}
              </Link>
              <div className="text-stone-500">
                {s.user.email}
                {s.user.status !== "active" && ` · ${s.user.status}`}
              </div>
              {s.baselineTitle && <span className="rounded bg-violet-100 px-1.5 text-violet-800">baseline: {s.baselineTitle}</span>}
            </td>
            <SubmissionCells s={s} />
          </tr>
        ))}
      </PagedTable>
    </div>
  );
}
