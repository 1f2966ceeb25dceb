"use client";

import Link from "next/link";
import { errorDigest } from "./error-digest";
import "./globals.css";

/**
 * The last resort: an error in the root layout itself (say the database is unreachable while the
 * header reads the session). It replaces the whole document, so it brings its own html, body and
 * styles. Like app/error.tsx it shows the digest, never the message.
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = errorDigest(error);
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Something went wrong · Tiny Portraits</title>
        <main className="mx-auto max-w-5xl px-4 py-16" role="alert">
          <p className="font-semibold tracking-tight">Tiny Portraits</p>
          <h1 className="mt-6 text-3xl font-bold tracking-tight">Something went wrong</h1>
          <p className="mt-3 max-w-prose text-stone-700">
            The site could not be shown. Please try again in a moment; if it keeps failing, tell the organizers
            {digest ? " the reference below" : " what you were doing"}.
          </p>
          {digest && (
            <p className="mt-2 text-sm text-stone-600">
              Reference: <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-stone-800">{digest}</code>
            </p>
          )}
          <div className="mt-6 flex flex-wrap gap-3">
            <button type="button" onClick={() => retry()} className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700">
              Try again
            </button>
            <Link href="/" className="rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100">
              Back to the challenge
            </Link>
          </div>
        </main>
      </body>
    </html>
  );
}
