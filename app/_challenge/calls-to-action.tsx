import Link from "next/link";

const primary =
  "rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2";
const secondary =
  "rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2";

/** The page's next steps: sign up (or submit, once signed in), data, leaderboard, starter kit. */
export function CallsToAction({ signedIn }: { signedIn: boolean }) {
  return (
    <div className="flex flex-wrap gap-3" data-testid="calls-to-action">
      {signedIn ? (
        <Link href="/submit" className={primary}>
          Submit predictions
        </Link>
      ) : (
        <Link href="/sign-up" className={primary}>
          Sign up
        </Link>
      )}
      <Link href="/data" className={secondary}>
        Download the data
      </Link>
      <Link href="/leaderboard" className={secondary}>
        Leaderboard
      </Link>
      <Link href="/starter-kit" className={secondary}>
        Starter kit
      </Link>
    </div>
  );
}
