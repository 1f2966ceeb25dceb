import { PageIntro } from "../page-intro";
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { formatBytes } from "@/lib/format/format-bytes";
import { getUploadSettings } from "@/lib/submissions/get-upload-settings";
import { listSubmissionHashes } from "@/lib/submissions/list-submission-hashes";
import { manifestTemplate } from "@/lib/submissions/manifest-template";
import { PREDICTIONS_CSV_HEADER } from "@/lib/submissions/create-submission-input";
import { getTermsStatus } from "@/lib/terms/get-terms-status";
import { resendVerificationAction } from "../verify-email/actions";
import { QuotaLine } from "./quota-line";
import { NeedsTermsNotice, NotOpenNotice, WhatToUploadSection } from "./submit-notices";
import { SubmitForm } from "./submit-form";
import { GenerationSubmitPage, SubmitTrackSwitch } from "./generation-submit-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Submit" };

export default async function SubmitPage({ searchParams }: { searchParams: Promise<{ resent?: string; track?: string | string[] }> }) {
  const params = await searchParams;
  const generation = (Array.isArray(params.track) ? params.track[0] : params.track) === "generation";
  const user = await requirePageUser(generation ? "/submit?track=generation" : "/submit");
  // ?track=generation: the generation track's upload (a generator or images); anything else: attributes, as before tracks.
  if (generation) return <GenerationSubmitPage user={user} />;
  const resent = Boolean(params.resent);
  const settings = await getUploadSettings({ db: getDb(), userId: user.id, role: user.role });
  // Uploads need a confirmed address and the current terms (lib/submissions/create-submission.ts checks again).
  const terms = user.role === "organizer" ? null : await getTermsStatus({ db: getDb(), userId: user.id });
  const earlier = (await listSubmissionHashes({ db: getDb(), userId: user.id })).map((e) => ({
    sha256: e.sha256,
    fileName: e.fileName,
    createdAt: e.createdAt.toISOString(),
    id: e.id,
  }));
  const outOfQuota = settings.quota.remaining !== null && settings.quota.remaining <= 0;
  return (
    <div className="max-w-2xl space-y-6">
      <PageIntro title="Submit" className="space-y-2">
        <SubmitTrackSwitch current="attributes" />
        <p className="text-stone-700">
          Upload a predictions CSV, or a trained model that we run on the hidden test images. Scoring takes seconds; you will see the result
          on the submission&rsquo;s page and in{" "}
          <Link href="/submissions" className="underline">
            My submissions
          </Link>
          .
        </p>
        <QuotaLine quota={settings.quota} />
      </PageIntro>

      {user.role !== "organizer" && !user.emailVerified ? (
        <div
          role="status"
          className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm"
          data-testid="submit-needs-verification"
        >
          <p>
            Confirm your e-mail address before submitting: open the link we sent to <strong>{user.email}</strong>.
          </p>
          <form action={resendVerificationAction}>
            <input type="hidden" name="back" value="/submit" />
            <button type="submit" className="underline">
              {resent ? "Sent. Send the link again" : "Send the link again"}
            </button>
          </form>
        </div>
      ) : user.role !== "organizer" && !terms?.acceptedCurrent ? (
        <NeedsTermsNotice next="/submit" />
      ) : settings.testCount === null ? (
        <NotOpenNotice />
      ) : (
        <SubmitForm
          testCount={settings.testCount}
          maxCsvBytes={settings.maxCsvBytes}
          maxModelBytes={settings.maxModelBytes}
          manifestTemplate={manifestTemplate()}
          earlierUploads={earlier}
          disabledReason={outOfQuota ? "You have no submissions left today. The limit resets at 00:00 UTC." : undefined}
        />
      )}

      <WhatToUploadSection>
        <p>
          <strong>Predictions CSV</strong> (up to {formatBytes(settings.maxCsvBytes)}): UTF-8 text with the header{" "}
          <code className="rounded bg-stone-100 px-1">{PREDICTIONS_CSV_HEADER}</code> and one row per test image
          {settings.testCount !== null && <> ({settings.testCount.toLocaleString("en")} rows)</>}, like{" "}
          <code className="rounded bg-stone-100 px-1">sample_submission.csv</code>. Problems are reported with their line number and nothing
          is scored until the whole file is right; a refused file does not use up a submission.
        </p>
        <p>
          <strong>Model</strong> (up to {formatBytes(settings.maxModelBytes)}): a <code>.zip</code> with your model (TensorFlow.js{" "}
          <code>model.json</code> + weights, or <code>model.onnx</code>) and a <code>manifest.json</code> that says how to feed it images
          and read its outputs, or a single <code>.onnx</code> file with the manifest entered below. The model runs in a sandbox on the
          hidden test images; its log is shown on the submission&rsquo;s page.
        </p>
      </WhatToUploadSection>
    </div>
  );
}
