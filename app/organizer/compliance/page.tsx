import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { DownloadsQuery, listDownloadLogPage } from "@/lib/organizer/list-download-log-page";
import { AcceptancesQuery, listTermsAcceptances } from "@/lib/organizer/list-terms-acceptances";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DATE_FILTERS, FilteredList, cell, first, numeric, pageQuery, type SearchParams } from "../list-controls";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compliance records", robots: { index: false } };

const PATH = "/organizer/compliance";
const EMAIL_FILTER = { name: "email", label: "E-mail contains" };

/**
 * The two records the dataset licence asks for: who accepted which terms (and from where), and
 * who downloaded what. `?log=downloads` switches the table; the filters and the export follow.
 */
export default async function CompliancePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer(PATH);
  const params = await searchParams;
  const log = first(params.log) === "downloads" ? "downloads" : "acceptances";
  const db = getDb();
  const tab = (name: string, label: string) => (
    <a
      href={`${PATH}?log=${name}`}
      aria-current={log === name ? "page" : undefined}
      className={`rounded-full border px-3 py-0.5 ${log === name ? "border-stone-900 bg-stone-900 text-white" : "border-stone-300 bg-white"}`}
    >
      {label}
    </a>
  );
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Compliance records</h1>
      <nav aria-label="Record" className="flex gap-2 text-sm">
        {tab("acceptances", "Terms acceptances")}
        {tab("downloads", "Download log")}
      </nav>
      {log === "acceptances" ? <Acceptances /> : <Downloads />}
    </div>
  );

  async function Acceptances() {
    const list = await listTermsAcceptances({ db, query: pageQuery(AcceptancesQuery, params) });
    return (
      <FilteredList
        path={PATH}
        params={params}
        filterLabel="Filter acceptances"
        hidden={{ log: "acceptances" }}
        filters={[EMAIL_FILTER, { name: "version", label: "Terms version" }, ...DATE_FILTERS]}
        exportPath="/api/organizer/export/acceptances.csv"
        list={list}
        caption="Terms acceptances, newest first"
        testId="acceptances-table"
        columns={["When", "Who", "Version", "Address"]}
      >
        {list.rows.map((a) => (
          <tr key={a.id} className="border-b border-stone-100" data-testid="acceptance-row">
            <td className={`${cell} whitespace-nowrap text-xs`}>{formatUtc(a.acceptedAt)}</td>
            <td className={`${cell} text-xs`}>{a.user.email}</td>
            <td className={cell}>{a.termsVersion}</td>
            <td className={`${cell} font-mono text-xs`}>{a.ip || "—"}</td>
          </tr>
        ))}
      </FilteredList>
    );
  }

  async function Downloads() {
    const list = await listDownloadLogPage({ db, query: pageQuery(DownloadsQuery, params) });
    return (
      <FilteredList
        path={PATH}
        params={params}
        filterLabel="Filter downloads"
        hidden={{ log: "downloads" }}
        filters={[
          EMAIL_FILTER,
          {
            name: "kind",
            label: "File kind",
            options: ["train-archive", "test-archive", "train-labels", "sample-submission", "checksums", "readme"],
          },
          ...DATE_FILTERS,
        ]}
        exportPath="/api/organizer/export/downloads.csv"
        list={list}
        caption="Downloads, newest first"
        testId="downloads-table"
        columns={["When", "Who", "File", numeric("Bytes sent"), "Range", "Address"]}
      >
        {list.rows.map((d) => (
          <tr key={d.id} className="border-b border-stone-100">
            <td className={`${cell} whitespace-nowrap text-xs`}>{formatUtc(d.createdAt)}</td>
            <td className={`${cell} text-xs`}>{d.user.email}</td>
            <td className={`${cell} font-mono text-xs`}>{d.fileName}</td>
            <td className={`${cell} text-right tabular-nums`}>
              {d.bytesServed.toLocaleString("en")} / {d.fileSize.toLocaleString("en")}
            </td>
            <td className={`${cell} font-mono text-xs`}>{d.rangeHeader ?? "—"}</td>
            <td className={`${cell} font-mono text-xs`}>{d.ip || "—"}</td>
          </tr>
        ))}
      </FilteredList>
    );
  }
}
