import Link from "next/link";
import type { ReactNode } from "react";
import { PageSection } from "../page-section";

/** The upload is held back until the current dataset terms are accepted; `next` brings the user back to this tab. */
export function NeedsTermsNotice({ next }: { next: string }) {
  return (
    <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="submit-needs-terms">
      Accept the current{" "}
      <Link href={`/terms?next=${next}`} className="underline">
        dataset terms
      </Link>{" "}
      before submitting.
    </p>
  );
}

/** No dataset is prepared yet, so nothing can be scored. */
export function NotOpenNotice() {
  return (
    <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      Submissions are not open yet: the challenge dataset is being prepared. Please come back later.
    </p>
  );
}

/** The "What to upload" section under each track's form: that track's formats and limits. */
export function WhatToUploadSection({ children }: { children: ReactNode }) {
  return (
    <PageSection
      id="formats"
      title="What to upload"
      className="space-y-3 text-sm text-stone-700"
      titleClassName="text-lg font-semibold text-stone-900"
    >
      {children}
    </PageSection>
  );
}
