import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors/app-error";
import { formatBytes } from "@/lib/format/format-bytes";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { getVerificationForOwner } from "@/lib/verification/get-verification-for-owner";
import { MAX_VERIFICATION_CODE_BYTES } from "@/lib/verification/verification-status";
import { VerificationUpload } from "./verification-upload";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Verification of your submission", robots: { index: false } };

/** The owner's verification page: what was asked, what they uploaded, the status; anyone else gets a 404. */
export default async function SubmissionVerificationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/submissions/${id}/verification`);
  const v = await getVerificationForOwner({ db: getDb(), submissionId: id, userId: user.id }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not-found") notFound();
    throw error;
  });
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <p className="text-sm">
        <Link className="underline" href={`/submissions/${id}`}>
          ← Back to the submission
        </Link>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">Verification of your submission</h1>
      <p className="text-sm text-stone-700">
        The organizers asked on {formatUtc(v.requestedAt)} to reproduce this submission&apos;s score. Upload the code you trained with and
        the model that made the submission; they run the model in the scoring sandbox and compare the scores.
      </p>
      {v.note && <p className="rounded border border-stone-200 bg-stone-50 p-3 text-sm">Note from the organizers: {v.note}</p>}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-stone-600">Status</dt>
        <dd className="font-medium" data-testid="verification-status">
          {v.label}
        </dd>
        <dt className="text-stone-600">Code</dt>
        <dd>{v.code ? `${v.code.name} (${formatBytes(v.code.size)})` : "not uploaded yet"}</dd>
        <dt className="text-stone-600">Model</dt>
        <dd>{v.model ? `${v.model.name} (${formatBytes(v.model.size)})` : "not uploaded yet"}</dd>
      </dl>
      {v.message && <p className="rounded border border-stone-200 bg-white p-3 text-sm">{v.message}</p>}
      {v.canUpload ? (
        <VerificationUpload submissionId={id} maxCodeBytes={MAX_VERIFICATION_CODE_BYTES} maxModelBytes={env().MAX_MODEL_BYTES} />
      ) : (
        <p className="text-sm text-stone-600">Uploads are closed for now.</p>
      )}
    </div>
  );
}
