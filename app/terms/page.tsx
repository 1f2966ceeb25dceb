import type { Metadata } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { getDb } from "@/lib/db/client";
import { getTermsStatus } from "@/lib/terms/get-terms-status";
import { CURRENT_TERMS } from "@/lib/terms/terms-document";
import { PageSection } from "../page-section";
import { acceptTermsAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dataset terms" };

const ERRORS: Record<string, string> = {
  agree: "Tick the box to confirm that you agree to the terms.",
  changed: "The terms changed while you were reading them. Please read this version and accept it.",
};

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

/** The dataset terms: readable by anyone, accepted by signed-in participants before any download. */
export default async function TermsPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const params = await searchParams;
  const next = safeCallbackUrl(params.next, "/data");
  const user = await getCurrentUser();
  const status = user ? await getTermsStatus({ db: getDb(), userId: user.id }) : null;
  const error = params.error ? ERRORS[params.error] : undefined;
  const terms = CURRENT_TERMS;

  return (
    <div className="space-y-8">
      <header className="space-y-3">
        <h1 className="text-3xl font-bold tracking-tight">{terms.title}</h1>
        <p className="text-sm text-stone-500">
          Version{" "}
          <span className="font-mono" data-testid="terms-version">
            {terms.version}
          </span>
        </p>
        <p className="max-w-3xl rounded border border-teal-200 bg-teal-50 p-3 text-sm text-stone-800">{terms.summary}</p>
      </header>

      <article className="max-w-3xl space-y-6" aria-label="Terms text">
        {terms.sections.map((section) => (
          <PageSection
            key={section.id}
            id={`terms-${section.id}`}
            title={section.heading}
            className="space-y-2"
            titleClassName="text-lg font-semibold"
          >
            {section.paragraphs?.map((p, i) => (
              <p key={i} className="text-sm leading-relaxed text-stone-700">
                {p}
              </p>
            ))}
            {section.items && (
              <ul className="list-disc space-y-1 pl-5 text-sm leading-relaxed text-stone-700">
                {section.items.map((item, i) => (
                  <li key={i}>{item}</li>
                ))}
              </ul>
            )}
          </PageSection>
        ))}
      </article>

      <PageSection
        id="accept"
        title="Your acceptance"
        look="card"
        className="max-w-3xl space-y-3 rounded border border-stone-300 bg-white p-4"
        testId="terms-accept"
      >
        {!user ? (
          <p className="text-sm text-stone-700">
            <Link
              className="font-medium underline"
              href={`/sign-in?callbackUrl=${encodeURIComponent(`/terms?next=${encodeURIComponent(next)}`)}`}
            >
              Sign in
            </Link>{" "}
            or{" "}
            <Link
              className="font-medium underline"
              href={`/sign-up?callbackUrl=${encodeURIComponent(`/terms?next=${encodeURIComponent(next)}`)}`}
            >
              create an account
            </Link>{" "}
            to accept the terms and download the data.
          </p>
        ) : status?.acceptedCurrent ? (
          <div className="space-y-3">
            <p className="text-sm text-stone-700" data-testid="terms-accepted">
              You accepted this version on {dateFormat.format(status.acceptedAt!)} UTC.
            </p>
            <Link
              href={next}
              className="inline-block rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
            >
              Continue
            </Link>
          </div>
        ) : (
          <form action={acceptTermsAction} className="space-y-3">
            {status?.previousVersion && (
              <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="terms-changed">
                The terms have changed since you accepted version <span className="font-mono">{status.previousVersion}</span>. Please read
                them again and accept this version to keep downloading.
              </p>
            )}
            {error && (
              <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
                {error}
              </p>
            )}
            <input type="hidden" name="version" value={terms.version} />
            <input type="hidden" name="next" value={next} />
            <label className="flex items-start gap-3 text-sm text-stone-800">
              <input type="checkbox" name="agree" required className="mt-0.5 h-4 w-4 accent-teal-700" />
              <span>
                I have read these terms (version {terms.version}) and agree to them, as {user.email}.
              </span>
            </label>
            <button
              type="submit"
              className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
            >
              Accept the terms
            </button>
          </form>
        )}
      </PageSection>
    </div>
  );
}
