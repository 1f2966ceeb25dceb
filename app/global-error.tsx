"use client";

import { ErrorNotice } from "./error-notice";
import "./globals.css";

/**
 * The last resort: an error in the root layout itself (say the database is unreachable while the
 * header reads the session). It replaces the whole document, so it brings its own html, body,
 * styles and title (metadata exports do not apply to it).
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Something went wrong · Tiny Portraits</title>
        <main className="mx-auto max-w-5xl px-4 py-16" role="alert">
          <p className="mb-6 font-semibold tracking-tight">Tiny Portraits</p>
          <ErrorNotice error={error} retry={retry} what="The site" />
        </main>
      </body>
    </html>
  );
}
