import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { ATTRIBUTES, CLASSES, type Attribute } from "@/lib/challenge/definition";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { formatBytes } from "@/lib/format/format-bytes";
import { EXACT_SCORES } from "@/lib/phases/score-policy";
import type { CompetitorStanding } from "@/lib/leaderboard/find-competitor-standing";
import { getCompetitorStanding } from "@/lib/leaderboard/get-competitor-standing";
import { plural } from "@/lib/format/plural";
import { getSubmissionForUser } from "@/lib/submissions/get-submission-for-user";
import { getVerificationForOwner } from "@/lib/verification/get-verification-for-owner";
import { toPublicScoresView, type PublicScoresView } from "@/lib/submissions/public-scores-view";
import { isPending, type SubmissionDetail } from "@/lib/submissions/submission-views";
import { DataTable, type DataTableColumn } from "../../data-table";
import { AutoRefresh } from "../auto-refresh";
import { formatScore, formatUtc } from "../format";
import { StatusBadge } from "../status-badge";
import { ConfusionMatrix } from "./confusion-matrix";
import { RecallChart } from "./recall-chart";
import { GenerationResult } from "./generation-result";
import { loadGenerationResult } from "@/lib/generation/load-generation-result";
import { getTermsStatus } from "@/lib/terms/get-terms-status";

export const dynamic = "force-dynamic";

// Checked against the database on each view (one fingerprint query): this page is opened right
// after scoring, when the shared snapshot may still be the one from before the new score.
const FRESH_STANDING = { maxAgeMs: 0, staleMs: 0 };

/** The page and its title read the submission once per request (React cache). */
const loadOnce = cache(load);

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const user = await getCurrentUser();
  // Signed out, missing or someone else's: the page itself redirects or answers 404.
  const s = user ? await loadOnce(id, user).catch(() => null) : null;
  return { title: s ? `Submission ${s.fileName}` : "Submission" };
}

const ATTRIBUTE_TITLES: Record<Attribute, string> = { Gender: "Gender", Hair_Color: "Hair colour", Hair_Type: "Hair type" };
const ATTRIBUTE_METRIC_COLUMNS: DataTableColumn[] = [
  { label: "Attribute" },
  { label: "Accuracy", className: "text-right" },
  { label: "Macro-F1", className: "text-right" },
  { label: "Images scored", className: "text-right" },
];

async function load(id: string, user: { id: string; role: string }): Promise<SubmissionDetail> {
  try {
    return await getSubmissionForUser({ db: getDb(), submissionId: id, user });
  } catch (error) {
    // Someone else's submission is a plain 404, exactly like a missing one.
    if (isAppError(error) && error.code === "not-found") notFound();
    throw error;
  }
}

export default async function SubmissionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/submissions/${encodeURIComponent(id)}`);
  const s = await loadOnce(id, user);
  const pending = isPending(s.status);
  // The owner's place on the public board, in the numbers the board shows (score policy).
  const generation = s.track === "generation" ? await loadGenerationView(s, user) : null;
  const standing =
    s.isOwner && s.status === "scored" && !s.isBaseline && s.track !== "generation"
      ? await getCompetitorStanding({ db: getDb(), userId: user.id, cache: FRESH_STANDING })
      : null;
  // Asked for verification (lib/verification): the owner gets a way to the upload page.
  const verification = s.isOwner
    ? await getVerificationForOwner({ db: getDb(), submissionId: s.id, userId: user.id }).catch(() => null)
    : null;

  return (
    <div className="space-y-8">
      <AutoRefresh active={pending} watchIds={[s.id]} />
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/submissions" className="text-stone-600 underline hover:text-stone-900">
          My submissions
        </Link>
      </nav>

      <section aria-labelledby="title" className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <h1 id="title" className="break-all text-2xl font-bold tracking-tight">
            {s.fileName}
          </h1>
          <StatusBadge status={s.status} rescoring={s.rescoring} />
          {s.isFinal && <span className="rounded border border-stone-400 px-2 py-0.5 text-xs font-medium">final</span>}
        </div>
        {verification && (
          <p className="max-w-3xl rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="verification-notice">
            Verification: <strong>{verification.label}</strong>.{" "}
            <Link className="underline" href={`/submissions/${s.id}/verification`}>
              {verification.canUpload ? "Upload your code and model" : "See the verification"}
            </Link>
          </p>
        )}
        {s.description && <p className="max-w-3xl whitespace-pre-wrap break-words text-stone-700">{s.description}</p>}
        <dl className="grid max-w-3xl grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-stone-500">Submitted</dt>
          <dd>
            {formatUtc(s.createdAt)}
            {!s.isOwner && <> by {s.owner.name}</>}
          </dd>
          <dt className="text-stone-500">Kind</dt>
          <dd>
            {s.kind === "csv"
              ? "Predictions CSV"
              : s.kind === "images"
                ? "Zip of generated images (generation track)"
                : `${s.kind === "generator" ? "Generator" : "Model"}${s.modelFormat ? ` (${s.modelFormat})` : ""}`}
            {s.isBaseline && ", organizers' baseline"}
          </dd>
          <dt className="text-stone-500">File</dt>
          <dd>
            {formatBytes(s.fileSize)}
            {s.isOwner && (
              <>
                {" · "}
                <a href={`/api/submissions/${s.id}/file`} className="underline" download>
                  Download your file
                </a>
              </>
            )}
          </dd>
          <dt className="text-stone-500">SHA-256</dt>
          <dd className="break-all font-mono text-xs leading-5">{s.sha256}</dd>
          {s.scoredAt && (
            <>
              <dt className="text-stone-500">Scored</dt>
              <dd>{formatUtc(s.scoredAt)}</dd>
            </>
          )}
        </dl>
      </section>

      <div aria-live="polite">
        {pending && (
          <p className="rounded border border-sky-300 bg-sky-50 p-3 text-sm text-sky-900">
            {s.status === "queued" ? "Waiting for a scoring worker…" : "Being scored…"} This page updates by itself.
          </p>
        )}
      </div>

      {s.disqualified && (
        <p role="note" className="rounded border border-red-400 bg-red-50 p-3 text-sm text-red-900">
          <strong>Disqualified</strong> on {formatUtc(s.disqualified.at)}
          {s.disqualified.reason ? <>: {s.disqualified.reason}</> : null}. It stays visible to you but is not on the leaderboards and cannot
          be final.
        </p>
      )}

      {s.status === "failed" && (
        <section aria-labelledby="failed" className="space-y-1 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          <h2 id="failed" className="font-semibold">
            Scoring failed
          </h2>
          <p className="whitespace-pre-wrap">{s.errorMessage ?? "No reason was recorded."}</p>
          {s.failureKind === "system" ? (
            <p className="text-stone-700">This was a problem on our side: it did not count against your quota.</p>
          ) : (
            <p className="text-stone-700">Fix the problem and submit again.</p>
          )}
        </section>
      )}

      {generation?.result && (
        <GenerationResult
          submissionId={s.id}
          result={generation.result}
          kind={s.kind}
          showTrainImages={generation.showTrainImages}
          privateRevealed={s.privateRevealed}
        />
      )}
      {s.publicScores && <Scores title="Public test part" scores={s.publicScores} idPrefix="public" />}
      {standing && <Standing standing={standing} />}
      {s.privateRevealed && s.privateScores && (
        <Scores
          title="Private test part (revealed)"
          scores={toPublicScoresView({ scores: s.privateScores, policy: EXACT_SCORES, shown: undefined })}
          idPrefix="private"
        />
      )}
      {s.status === "scored" && !s.privateRevealed && (
        <p className="text-sm text-stone-600">
          Scores on the private part of the test set stay hidden until the phase ends (or the organizers reveal the private leaderboard
          earlier).
        </p>
      )}

      {s.log && (
        <section aria-labelledby="log" className="space-y-2">
          <h2 id="log" className="text-xl font-semibold">
            Sandbox log
          </h2>
          <pre
            tabIndex={0}
            aria-label="Sandbox log excerpt"
            className="max-h-96 overflow-auto rounded border border-stone-300 bg-stone-900 p-3 text-xs leading-5 text-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
          >
            {s.log}
          </pre>
        </section>
      )}
    </div>
  );
}

/** A generation entry's scores and whether the viewer may see the training portraits (current terms, or organizer). */
async function loadGenerationView(s: SubmissionDetail, user: { id: string; role: string }) {
  const db = getDb();
  const [result, terms] = await Promise.all([
    loadGenerationResult({ db, submissionId: s.id, privateRevealed: s.privateRevealed }),
    user.role === "organizer" ? null : getTermsStatus({ db, userId: user.id }),
  ]);
  return { result, showTrainImages: user.role === "organizer" || terms?.acceptedCurrent === true };
}

function gapText(gap: number | null, ahead: string, behind: string): string {
  if (gap === null) return "not comparable";
  if (gap === 0) return "level";
  return `${Math.abs(gap).toFixed(4)} ${gap > 0 ? ahead : behind}`;
}

function Standing({ standing }: { standing: CompetitorStanding }) {
  const href = `/leaderboard${standing.page > 1 ? `?page=${standing.page}` : ""}#rank-${standing.rank}`;
  // A team has one line for all its members: the page speaks of the team, not of "you".
  const { team } = standing;
  return (
    <section aria-labelledby="standing" className="space-y-2" data-testid="standing">
      <h2 id="standing" className="text-xl font-semibold">
        Where you stand
      </h2>
      {team ? (
        <p className="text-sm text-stone-700">
          On the public leaderboard your team <strong className="break-words">{team.name}</strong> ranks <strong>{standing.rank}</strong> of{" "}
          {standing.participantCount} on the board
          {standing.main !== null && <> with {formatScore(standing.main)}</>}: the best entry of any member ({team.members.join(", ")}) is
          the team&apos;s.{" "}
          <a href={href} className="underline hover:text-stone-900">
            See the team&apos;s row on the leaderboard
          </a>
        </p>
      ) : (
        <p className="text-sm text-stone-700">
          On the public leaderboard your best entry ranks <strong>{standing.rank}</strong> of{" "}
          {plural(standing.participantCount, "participant")}
          {standing.main !== null && <> with {formatScore(standing.main)}</>}.{" "}
          <a href={href} className="underline hover:text-stone-900">
            See it on the leaderboard
          </a>
        </p>
      )}
      <table className="text-sm tabular-nums">
        <caption className="sr-only">Gaps to the leader and to the baselines, public scores as the leaderboard shows them</caption>
        <tbody className="divide-y divide-stone-100">
          <tr>
            <th scope="row" className="py-1 pr-4 text-left font-medium">
              Leader{standing.rank === 1 ? (team ? " (your team)" : " (you)") : `: ${standing.leader.name}`}
            </th>
            <td className="py-1 pr-4 text-right">{formatScore(standing.leader.main)}</td>
            <td className="py-1" data-testid="gap-leader">
              {standing.rank === 1
                ? team
                  ? "your team leads"
                  : "you lead"
                : gapText(standing.gapToLeader === null ? null : -standing.gapToLeader, "ahead", "behind")}
            </td>
          </tr>
          {standing.baselines.map((b) => (
            <tr key={b.name}>
              <th scope="row" className="py-1 pr-4 text-left font-medium">
                Baseline: {b.name}
              </th>
              <td className="py-1 pr-4 text-right">{formatScore(b.main)}</td>
              <td className="py-1">{gapText(b.gap, "ahead", "behind")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Scores({ title, scores, idPrefix }: { title: string; scores: PublicScoresView; idPrefix: string }) {
  const f = scores.fairness;
  const withheldNote = "Withheld until the private reveal";
  return (
    <section aria-labelledby={`${idPrefix}-title`} className="space-y-6">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h2 id={`${idPrefix}-title`} className="text-xl font-semibold">
          {title}
        </h2>
        <p className="text-sm text-stone-600">{scores.n.toLocaleString("en")} images</p>
      </div>
      <p className="text-sm">
        Main score (mean macro-F1){" "}
        <span className="ml-1 font-mono text-3xl font-bold tabular-nums" data-testid={`${idPrefix}-main`}>
          {formatScore(scores.main)}
        </span>
      </p>
      {scores.policy === "ladder" && (
        <p className="max-w-3xl text-sm text-stone-700" data-testid={`${idPrefix}-ladder`}>
          {scores.fresh ? (
            <>
              This phase shows scores by the Ladder: a new score appears only when it beats your best shown score by more than {scores.step}
              , rounded to {scores.step}.
            </>
          ) : (
            <>
              This submission did not beat your best shown score by more than {scores.step}: the score above repeats your best so far (the
              Ladder).
            </>
          )}
        </p>
      )}
      {scores.policy === "rounded" && (
        <p className="max-w-3xl text-xs text-stone-500">
          Scores on the public part are rounded to {scores.step}; per-class recall and confusion matrices are shown once the private
          leaderboard is revealed, so that no submission can read single images&apos; hidden labels.
        </p>
      )}

      {scores.attributes ? (
        <div>
          <DataTable plain caption={`${title}: metrics per attribute`} columns={ATTRIBUTE_METRIC_COLUMNS}>
            {ATTRIBUTES.map((a) => {
              const m = scores.attributes![a];
              return (
                <tr key={a} className="border-b border-stone-200">
                  <th scope="row" className="py-2 pr-4 font-medium">
                    {ATTRIBUTE_TITLES[a]}
                  </th>
                  <td className="py-2 pr-4 text-right font-mono tabular-nums">{formatScore(m.accuracy)}</td>
                  <td className="py-2 pr-4 text-right font-mono tabular-nums">{formatScore(m.macroF1)}</td>
                  <td className="py-2 text-right tabular-nums">{m.n.toLocaleString("en")}</td>
                </tr>
              );
            })}
          </DataTable>
          <p className="mt-1 text-xs text-stone-500">Images whose true value is n/a are not scored for that attribute.</p>
        </div>
      ) : (
        <p
          className="rounded border border-dashed border-stone-300 p-3 text-sm text-stone-600"
          data-testid={`${idPrefix}-attributes-withheld`}
        >
          Metrics per attribute: {withheldNote.toLowerCase()} (the Ladder shows only the main score).
        </p>
      )}

      <section aria-label="Fairness" className="space-y-1">
        <h3 className="font-semibold">Fairness: hair colour macro-F1 by gender</h3>
        {f ? (
          <dl className="grid max-w-md grid-cols-3 gap-2 text-sm">
            <div className="rounded border border-stone-200 bg-white p-2">
              <dt className="text-stone-500">Female images</dt>
              <dd className="font-mono text-lg tabular-nums">{formatScore(f.hairColorMacroF1Female)}</dd>
            </div>
            <div className="rounded border border-stone-200 bg-white p-2">
              <dt className="text-stone-500">Male images</dt>
              <dd className="font-mono text-lg tabular-nums">{formatScore(f.hairColorMacroF1Male)}</dd>
            </div>
            <div className="rounded border border-stone-200 bg-white p-2">
              <dt className="text-stone-500">Gap (F − M)</dt>
              <dd className="font-mono text-lg tabular-nums">{f.gap === null ? "—" : `${f.gap > 0 ? "+" : ""}${f.gap.toFixed(4)}`}</dd>
            </div>
          </dl>
        ) : (
          <p className="text-sm text-stone-600">{withheldNote}.</p>
        )}
        <p className="text-xs text-stone-500">A gap near zero means the hair colour predictions are about as good for women as for men.</p>
      </section>

      <div className="grid gap-6 md:grid-cols-3">
        {ATTRIBUTES.map((a) => {
          const perClass = scores.attributes?.[a].perClass ?? null;
          return (
            <RecallChart
              key={a}
              title={ATTRIBUTE_TITLES[a]}
              bars={perClass ? perClass.map((c) => ({ label: c.label, recall: c.recall, support: c.support })) : null}
            />
          );
        })}
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        {ATTRIBUTES.map((a) => (
          <ConfusionMatrix key={a} title={ATTRIBUTE_TITLES[a]} classes={CLASSES[a]} matrix={scores.attributes?.[a].confusion ?? null} />
        ))}
      </div>
    </section>
  );
}
