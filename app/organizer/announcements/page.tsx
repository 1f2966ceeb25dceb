import type { Metadata } from "next";
import { listAnnouncements } from "@/lib/announcements/list-announcements";
import { getDb } from "@/lib/db/client";
import { isMailDelivered } from "@/lib/mail/send-mail";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DataTable } from "../../data-table";
import { cell } from "../list-controls";
import { AnnouncementComposer } from "./announcement-composer";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Announcements", robots: { index: false } };

/** Compose an announcement (banner, e-mail or both) and see the earlier ones with how far their e-mail got. */
export default async function AnnouncementsPage() {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer("/organizer/announcements");
  const db = getDb();
  const [announcements, phases, teams] = await Promise.all([
    listAnnouncements({ db }),
    db.phase.findMany({ orderBy: [{ startsAt: "asc" }, { id: "asc" }], select: { id: true, name: true } }),
    db.team.findMany({ where: { disbandedAt: null }, orderBy: [{ name: "asc" }], select: { id: true, name: true }, take: 1000 }),
  ]);
  const now = new Date();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Announcements</h1>
      {!isMailDelivered() && (
        <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          SMTP_URL is not set: e-mails are written to the outbox folder (DATA_DIR/outbox) instead of being delivered.
        </p>
      )}
      <AnnouncementComposer phases={phases} teams={teams} />
      <DataTable
        caption="Announcements, newest first"
        smallHeader
        testId="announcements-table"
        columns={[{ label: "Posted" }, { label: "Title" }, { label: "For" }, { label: "Banner until" }, { label: "E-mail" }]}
      >
        {announcements.map((a) => (
          <tr key={a.id} className="border-b border-stone-100" data-testid="announcement-row" data-announcement-id={a.id}>
            <td className={`${cell} whitespace-nowrap text-xs`}>
              {formatUtc(a.createdAt)}
              {a.createdBy && <div className="text-stone-500">{a.createdBy}</div>}
            </td>
            <td className={cell}>
              <span className="font-medium">{a.title}</span>
            </td>
            <td className={`${cell} text-xs`}>{a.audience}</td>
            <td className={`${cell} whitespace-nowrap text-xs`}>
              {a.bannerUntil ? (
                <>
                  {formatUtc(a.bannerUntil)}
                  {a.bannerUntil > now && <div className="font-medium text-teal-800">showing</div>}
                </>
              ) : (
                "—"
              )}
            </td>
            <td className={`${cell} whitespace-nowrap text-xs tabular-nums`} data-testid="announcement-emailed">
              {a.sendEmail ? `${a.emailedCount} of ${a.recipients} sent${a.emailedAt ? "" : " (sending…)"}` : "no e-mail"}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
