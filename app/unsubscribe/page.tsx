import type { Metadata } from "next";
import Link from "next/link";
import { readUnsubscribeLink } from "@/lib/announcements/unsubscribe-from-announcements";
import { getDb } from "@/lib/db/client";
import { isAppError, toUserError } from "@/lib/errors/app-error";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Unsubscribe from announcements", robots: { index: false } };

/**
 * The page an announcement e-mail's unsubscribe link opens. Opening it changes nothing (mail
 * scanners follow links); the button POSTs to /api/unsubscribe, which comes back here with done=1.
 */
export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<{ token?: string | string[]; done?: string }> }) {
  const params = await searchParams;
  if (params.done === "1") {
    return (
      <div className="mx-auto max-w-md space-y-3" data-testid="unsubscribed">
        <h1 className="text-2xl font-bold tracking-tight">You are unsubscribed</h1>
        <p className="text-sm text-stone-700">
          You will no longer receive announcement e-mails. Messages about your account (address confirmation, password resets) still reach
          you, and announcements still show on the site. You can subscribe again on your{" "}
          <Link className="underline" href="/account#announcements">
            account page
          </Link>
          .
        </p>
      </div>
    );
  }
  const token = Array.isArray(params.token) ? params.token[0] : params.token;
  let link: { maskedEmail: string; optedOut: boolean };
  try {
    link = await readUnsubscribeLink({ db: getDb(), token });
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <div className="mx-auto max-w-md space-y-3">
        <h1 className="text-2xl font-bold tracking-tight">Unsubscribe from announcements</h1>
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {toUserError(error).message}
        </p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold tracking-tight">Unsubscribe from announcements</h1>
      {link.optedOut ? (
        <p className="text-sm text-stone-700">
          <strong>{link.maskedEmail}</strong> is already unsubscribed from announcement e-mails. To receive them again, use your{" "}
          <Link className="underline" href="/account#announcements">
            account page
          </Link>
          .
        </p>
      ) : (
        <>
          <p className="text-sm text-stone-700">
            Stop sending the organizers&apos; announcements to <strong>{link.maskedEmail}</strong>? Messages about your account are not
            affected, and you can subscribe again on your account page.
          </p>
          <form method="post" action="/api/unsubscribe">
            <input type="hidden" name="token" value={token} />
            <button
              type="submit"
              className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500"
            >
              Unsubscribe
            </button>
          </form>
        </>
      )}
    </div>
  );
}
