"use client";

import Link from "next/link";
import { errorDigest } from "./error-digest";

/**
 * A page that failed while rendering, inside the site's layout. The error's message is never
 * shown: in production server errors arrive without it, and a client error's text means nothing
 * to a participant. The digest lets an organizer find the server's log entry.
 * `retry` (Next.js 16) refetches the page from the server before re-rendering; `reset` would only
 * re-render the same failed payload.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = errorDigest(error);
  return (
    <section aria-labelledby="title" role="alert" className="py-10">
      <h1 id="title" className="text-3xl font-bold tracking-tight">Something went wrong</h1>
      <p className="mt-3 max-w-prose text-stone-700">
        This page could not be shown. Trying again often helps; if it keeps failing, tell the organizers
        {digest ? " the reference below" : " what you were doing"}.
      </p>
      {digest && (
        <p className="mt-2 text-sm text-stone-600">
          Reference: <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-stone-800">{digest}</code>
        </p>
      )}
      <div className="mt-6 flex flex-wrap gap-3">
        <button type="button" onClick={() => retry()} className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500">
          Try again
        </button>
        <Link href="/" className="rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500">
          Back to the challenge
        </Link>
      </div>
    </section>
  );
}
