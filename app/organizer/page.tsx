import type { Metadata } from "next";
import { PageSection } from "../page-section";
import Link from "next/link";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { isMailDelivered } from "@/lib/mail/send-mail";
import { SubmissionStatus } from "@/lib/db/enums";
import { getOrganizerStats } from "@/lib/organizer/get-organizer-stats";
import { listDownloadLogs } from "@/lib/organizer/list-download-logs";
import { listRecentSubmissions } from "@/lib/organizer/list-recent-submissions";
import { getPhaseTimeline } from "@/lib/phases/get-phase-timeline";
import { DownloadsTable } from "./downloads-table";
import { PhaseSummary } from "./phase-summary";
import { StatCards } from "./stat-cards";
import { SubmissionsTable } from "./submissions-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Organizer", robots: { index: false } };

/** Organizer dashboard. Participants get a 404 (the page does not exist for them). */
export default async function OrganizerPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requirePageOrganizer("/organizer");
  const requested = (await searchParams).status;
  const status = SubmissionStatus.safeParse(requested);
  const db = getDb();
  const [stats, timeline, submissions, downloads] = await Promise.all([
    getOrganizerStats({ db }),
    getPhaseTimeline({ db }),
    listRecentSubmissions({ db, query: { status: status.success ? status.data : undefined, limit: 50 } }),
    listDownloadLogs({ db, limit: 30 }),
  ]);

  return (
    <div className="space-y-10">
      <header className="space-y-1">
        <h1 className="text-3xl font-bold tracking-tight">Organizer dashboard</h1>
        <p className="text-sm text-stone-600">Signed in as {organizer.email}. Times are UTC.</p>
        {!isMailDelivered() && (
          <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="mail-not-delivered">
            E-mail is not being delivered: SMTP_URL is not set, so confirmation and password-reset mails are only written to the
            instance&rsquo;s outbox folder (DATA_DIR/outbox) and their links printed in the server log.
          </p>
        )}
      </header>

      <PageSection id="overview" title="Overview">
        <StatCards stats={stats} />
      </PageSection>

      <PageSection id="phases" title="Phases">
        <p className="text-sm text-stone-600">
          <Link href="/organizer/phases" className="underline">
            Add, edit, reveal or delete phases
          </Link>
        </p>
        {timeline.phases.length === 0 && (
          <p className="text-sm text-stone-600">
            No phase yet: <code>npm start</code> creates a 90-day development phase on a fresh instance.
          </p>
        )}
        {timeline.phases.map((p) => (
          <div key={p.id} className="space-y-2">
            <PhaseSummary phase={p} />
            <p className="text-xs text-stone-500">
              {p.track} · {p.dailyLimit === 0 ? "closed (daily limit 0)" : `${p.dailyLimit} per day`} · accepts{" "}
              {p.acceptedKinds.join(" and ")} · {p.maxFinal} final pick{p.maxFinal === 1 ? "" : "s"} · teams up to {p.teamSizeCap}
            </p>
          </div>
        ))}
      </PageSection>

      <PageSection id="submissions" title="Latest submissions">
        <p className="text-sm text-stone-600">
          Rescore queues a new scoring job (the old score stays until the new one lands). Disqualify takes an entry off the leaderboards;
          its owner still sees it, with your reason.
        </p>
        <SubmissionsTable rows={submissions} status={status.success ? status.data : "all"} />
      </PageSection>

      <PageSection id="downloads" title="Latest downloads">
        <DownloadsTable rows={downloads} />
      </PageSection>

      <PageSection id="labels" title="Hidden test labels" className="space-y-2">
        <p className="max-w-3xl text-sm text-stone-600">
          The test labels with their public/private split, for your own checks. Never share this file: with it anyone could score perfectly.
          No other page or API of the site serves it.
        </p>
        <a
          href="/api/organizer/labels"
          download
          className="inline-block rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          Download test labels (CSV)
        </a>
      </PageSection>
    </div>
  );
}
