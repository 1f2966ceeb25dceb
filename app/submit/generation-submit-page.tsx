import Link from "next/link";
import type { CurrentUser } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { parseGenerationSettings } from "@/lib/generation/generation-settings";
import { findRunningPhase } from "@/lib/phases/find-running-phase";
import { getSubmissionQuota } from "@/lib/submissions/get-submission-quota";
import { getTermsStatus } from "@/lib/terms/get-terms-status";
import { generationTrack } from "@/lib/tracks/generation-track";
import { PageIntro } from "../page-intro";
import { GenerationSubmitForm } from "./generation-submit-form";
import { QuotaLine } from "./quota-line";
import { NeedsTermsNotice, NotOpenNotice, WhatToUploadSection } from "./submit-notices";

/** The starting point of a bare .onnx generator's manifest (docs/generation-track.md). */
const MANIFEST_TEMPLATE = JSON.stringify(
  {
    format: "onnx",
    model: "model.onnx",
    latent: { input: "z", size: 64 },
    output: { name: "images", layout: "NHWC", range: "[-1,1]" },
    batchSize: 64,
  },
  null,
  2,
);

/** Attributes (the default) or generation: which track the upload goes to. */
export function SubmitTrackSwitch({ current }: { current: "attributes" | "generation" }) {
  return (
    <nav aria-label="Track" className="flex flex-wrap gap-2 text-sm" data-testid="submit-track-switch">
      {(
        [
          ["attributes", "Attributes: predictions or a classifier", "/submit"],
          ["generation", "Generation: a generator or images", "/submit?track=generation"],
        ] as const
      ).map(([id, title, href]) => (
        <Link
          key={id}
          href={href}
          aria-current={id === current ? "page" : undefined}
          className={`rounded-full border px-3 py-1 font-medium ${id === current ? "border-teal-700 bg-teal-700 text-white" : "border-stone-300 bg-white text-stone-700 hover:bg-stone-100"}`}
        >
          {title}
        </Link>
      ))}
    </nav>
  );
}

/**
 * /submit?track=generation: the same gates as the attributes upload (confirmed address, current
 * terms, a prepared dataset, the quota of the phase the upload would go to), then the form.
 */
export async function GenerationSubmitPage({ user }: { user: CurrentUser }) {
  const db = getDb();
  const phase = await findRunningPhase({ db, track: generationTrack.id, now: new Date() });
  const [quota, terms, dataset] = await Promise.all([
    getSubmissionQuota({ db, userId: user.id, role: user.role, phase }),
    user.role === "organizer" ? null : getTermsStatus({ db, userId: user.id }),
    db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } }),
  ]);
  const settings = parseGenerationSettings(phase?.settings ?? null);
  const outOfQuota = quota.remaining !== null && quota.remaining <= 0;
  return (
    <div className="max-w-2xl space-y-6">
      <PageIntro title="Submit" className="space-y-2">
        <SubmitTrackSwitch current="generation" />
        <p className="text-stone-700">
          Upload a generator: we sample {settings.sampleCount.toLocaleString("en")} portraits from it in the sandbox and score them in the
          organizers&rsquo; feature network (Fréchet distance, times a penalty for copying training portraits; lower is better). Scoring
          takes a few minutes; the submission&rsquo;s page shows the result, a gallery of samples and every metric.
        </p>
        <QuotaLine quota={quota} />
      </PageIntro>
      {user.role !== "organizer" && !user.emailVerified ? (
        <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="submit-needs-verification">
          Confirm your e-mail address before submitting: open the link we sent to <strong>{user.email}</strong> (or ask for a new one on{" "}
          <Link href="/submit" className="underline">
            the attributes tab
          </Link>
          ).
        </p>
      ) : user.role !== "organizer" && !terms?.acceptedCurrent ? (
        <NeedsTermsNotice next="/submit%3Ftrack%3Dgeneration" />
      ) : !dataset ? (
        <NotOpenNotice />
      ) : (
        <GenerationSubmitForm
          maxBytes={env().MAX_MODEL_BYTES}
          sampleCount={settings.sampleCount}
          manifestTemplate={MANIFEST_TEMPLATE}
          disabledReason={
            !phase && user.role !== "organizer"
              ? "No generation phase is open for submissions right now: see the timeline on the challenge page."
              : outOfQuota
                ? "You have no generation submissions left today. The limit resets at 00:00 UTC."
                : undefined
          }
        />
      )}
      <WhatToUploadSection>
        <p>
          <strong>A generator</strong>: a <code>.zip</code> with <code>manifest.json</code> and <code>model.onnx</code> (or a single{" "}
          <code>.onnx</code> with the manifest typed on the form). It takes a float32 latent <code>[N, 64]</code> (standard normal, the same
          fixed seeds for everyone in the phase), optionally the requested attributes, and returns <code>[N, 108, 84, 3]</code> (or NCHW)
          images in the range the manifest declares. Checked before it is queued: the zip&rsquo;s limits, the manifest, the model&rsquo;s
          inputs and outputs against it, the operators.
        </p>
        <p>
          <strong>A zip of exactly {settings.sampleCount.toLocaleString("en")} PNGs</strong> (84x108): scored the same way, but flagged on
          the leaderboard because nothing shows the images came from a model.
        </p>
        <p>
          The{" "}
          <Link href="/starter-kit" className="underline">
            starter kit
          </Link>{" "}
          has a generator training script and an export guide; <code>npm run score -- --track generation</code> scores a generator locally
          with the same code.
        </p>
      </WhatToUploadSection>
    </div>
  );
}
