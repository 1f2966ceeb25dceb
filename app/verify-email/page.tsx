import type { Metadata } from "next";
import Link from "next/link";
import { verifyEmailAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Confirm your address" };

/** Where the confirmation link of the sign-up mail leads. */
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string; done?: string; email?: string; error?: string; resent?: string }>;
}) {
  const params = await searchParams;
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Confirm your address</h1>
      {params.done ? (
        <div role="status" className="space-y-3 rounded border border-teal-300 bg-teal-50 p-4 text-sm" data-testid="email-verified">
          <p>Your address {params.email ? <strong>{params.email.slice(0, 254)}</strong> : null} is confirmed.</p>
          <p>
            <Link className="underline" href="/sign-in?callbackUrl=%2Fsubmit">
              Sign in
            </Link>{" "}
            to submit to the challenge.
          </p>
        </div>
      ) : params.error ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {params.error.slice(0, 300)}
        </p>
      ) : params.resent ? (
        <p role="status" className="rounded border border-teal-300 bg-teal-50 p-3 text-sm">
          We sent you a new link. Check your inbox.
        </p>
      ) : params.token ? (
        <form action={verifyEmailAction} className="space-y-3">
          <input type="hidden" name="token" value={params.token.slice(0, 200)} />
          <p className="text-sm text-stone-700">Confirm that this e-mail address belongs to you.</p>
          <button
            type="submit"
            className="w-full rounded bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
          >
            Confirm my address
          </button>
        </form>
      ) : (
        <p className="text-sm text-stone-700">Open the link from the e-mail we sent you.</p>
      )}
    </div>
  );
}
