"use client";

import { ErrorNotice } from "./error-notice";

/**
 * A page that failed while rendering, shown inside the site's layout (header and footer).
 * `retry` (Next.js 16) refetches the page from the server before re-rendering; `reset` would only
 * re-render the same failed payload.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <section aria-labelledby="title" role="alert" className="py-10">
      <ErrorNotice error={error} retry={retry} what="This page" />
    </section>
  );
}
