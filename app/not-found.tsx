import type { Metadata } from "next";
import Link from "next/link";

// Rendered inside the root layout (site header and footer) for unknown URLs and for every
// notFound() - including someone else's submission, which must look exactly like a missing one.
export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <section aria-labelledby="title" className="py-10">
      <p className="text-sm font-semibold uppercase tracking-wide text-stone-500">404</p>
      <h1 id="title" className="mt-1 text-3xl font-bold tracking-tight">
        Page not found
      </h1>
      <p className="mt-3 max-w-prose text-stone-700">There is no page at this address, or it is not visible to your account.</p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Link
          href="/"
          className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          Back to the challenge
        </Link>
        <Link
          href="/leaderboard"
          className="rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          See the leaderboard
        </Link>
      </div>
    </section>
  );
}
