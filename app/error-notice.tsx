import Link from "next/link";

/**
 * The digest Next.js attaches to a server error: the key to its entry in the server log. A value
 * thrown by client code need not be an Error at all, hence the narrowing.
 */
export function errorDigest(error: unknown): string | undefined {
  if (error instanceof Error && "digest" in error && typeof error.digest === "string") return error.digest;
  return undefined;
}

/**
 * What app/error.tsx and app/global-error.tsx show: what failed, the digest as a reference, a
 * retry and a way home. Never the error's message: in production server errors arrive without
 * it, and a client error's text means nothing to a participant.
 */
export function ErrorNotice({ error, retry, what }: { error: unknown; retry: () => void; what: string }) {
  const digest = errorDigest(error);
  return (
    <>
      <h1 id="title" className="text-3xl font-bold tracking-tight">
        Something went wrong
      </h1>
      <p className="mt-3 max-w-prose text-stone-700">
        {what} could not be shown. Trying again often helps; if it keeps failing, tell the organizers
        {digest ? " the reference below" : " what you were doing"}.
      </p>
      {digest && (
        <p className="mt-2 text-sm text-stone-600">
          Reference: <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-stone-800">{digest}</code>
        </p>
      )}
      <div className="mt-6 flex flex-wrap gap-3">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          Try again
        </button>
        <Link
          href="/"
          className="rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          Back to the challenge
        </Link>
      </div>
    </>
  );
}
