import type { Metadata } from "next";
import type { ReactNode } from "react";
import { PageSection } from "../../../page-section";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { getParticipant } from "@/lib/organizer/get-participant";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DataTable } from "../../../data-table";
import { SubmissionCells, cell } from "../../list-controls";
import { StatusForm } from "./status-form";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Participant", robots: { index: false } };

/** One participant: standing, submissions, downloads, acceptances, sessions, tokens. */
export default async function ParticipantPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer(`/organizer/participants/${encodeURIComponent(id)}`);
  const detail = await getParticipant({ db: getDb(), userId: id }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not-found") notFound();
    throw error;
  });
  const { user } = detail;
  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <h1 className="text-3xl font-bold tracking-tight">{user.name}</h1>
        <p className="text-sm text-stone-600">
          {user.email} · {user.emailVerified ? "verified" : "not verified"} · {user.role} · joined {formatUtc(user.createdAt)}
          {user.deletedAt && <> · deleted {formatUtc(user.deletedAt)}</>}
        </p>
        <p className="text-sm" data-testid="participant-status">
          Status: <strong>{user.status}</strong>
          {user.statusReason && <> — {user.statusReason}</>}
          {user.statusChangedAt && (
            <span className="text-stone-500">
              {" "}
              (by {user.statusChangedBy ?? "?"}, {formatUtc(user.statusChangedAt)})
            </span>
          )}
        </p>
      </header>
      {user.role === "participant" && (
        <PageSection id="standing" title="Suspend, ban or reinstate" className="space-y-2">
          <p className="max-w-3xl text-sm text-stone-600">
            A suspended or banned participant is signed out at once, cannot sign in, their API tokens stop working, they cannot submit, and
            their entries leave the leaderboard. Reinstating undoes all of it (tokens work again). Every change is in the audit trail.
          </p>
          <StatusForm userId={user.id} status={user.status} />
        </PageSection>
      )}
      <PageSection id="subs" title={`Submissions (${detail.submissions.length})`} className="space-y-2">
        <DataTable
          caption="Their submissions"
          smallHeader
          columns={[
            { label: "Submitted" },
            { label: "File" },
            { label: "Status" },
            { label: "Public", className: "text-right" },
            { label: "Private", className: "text-right" },
            { label: "" },
          ]}
        >
          {detail.submissions.map((s) => (
            <tr key={s.id} className="border-b border-stone-100">
              <td className={`${cell} whitespace-nowrap text-xs`}>{formatUtc(s.createdAt)}</td>
              <SubmissionCells s={s} />
            </tr>
          ))}
        </DataTable>
      </PageSection>
      <RecordList id="acc" title="Terms acceptances">
        {detail.acceptances.map((a) => (
          <li key={a.id}>
            {a.termsVersion} · {formatUtc(a.acceptedAt)} · {a.ip || "—"}
          </li>
        ))}
      </RecordList>
      <RecordList id="dl" title={`Downloads (${detail.downloads.length})`}>
        {detail.downloads.map((d) => (
          <li key={d.id}>
            {formatUtc(d.createdAt)} · <span className="font-mono">{d.fileName}</span> · {d.bytesServed.toLocaleString("en")} bytes ·{" "}
            {d.ip || "—"}
          </li>
        ))}
      </RecordList>
      <RecordList id="sess" title="Sessions and API tokens">
        {detail.sessions.map((s) => (
          <li key={s.id}>
            session since {formatUtc(s.createdAt)}, last used {formatUtc(s.renewedAt)} · {s.ip || "—"} ·{" "}
            <span className="text-stone-500">{s.userAgent}</span>
          </li>
        ))}
        {detail.apiTokens.map((t) => (
          <li key={t.id}>
            token “{t.name}” <span className="font-mono">{t.prefix}…</span> ({t.scopes}) · last used{" "}
            {t.lastUsedAt ? formatUtc(t.lastUsedAt) : "never"}
          </li>
        ))}
        {detail.sessions.length + detail.apiTokens.length === 0 && <li className="text-stone-500">None.</li>}
      </RecordList>
    </div>
  );
}

/** A titled list of one-line records (the `<li>`s are the caller's). */
function RecordList(props: { id: string; title: string; children: ReactNode }) {
  return (
    <PageSection id={props.id} title={props.title} className="space-y-2">
      <ul className="text-sm">{props.children}</ul>
    </PageSection>
  );
}
