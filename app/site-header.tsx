import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { SignOutButton } from "./sign-out-button";

const linkClass = "text-sm text-stone-600 hover:text-stone-900 focus:outline-none focus:ring-2 focus:ring-stone-500";

/** The site's navigation: public pages for everyone, the participant's pages when signed in. */
export async function SiteHeader() {
  const user = await getCurrentUser();
  return (
    <header className="border-b border-stone-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3">
        <Link href="/" className="font-semibold tracking-tight">Tiny Portraits</Link>
        <Link href="/" className={linkClass}>Challenge</Link>
        <Link href="/leaderboard" className={linkClass}>Leaderboard</Link>
        <Link href="/data" className={linkClass}>Data</Link>
        <Link href="/explore" className={linkClass}>Explore</Link>
        <Link href="/starter-kit" className={linkClass}>Starter kit</Link>
        <Link href="/submit" className={linkClass}>Submit</Link>
        {user && <Link href="/submissions" className={linkClass}>My submissions</Link>}
        {user?.role === "organizer" && <Link href="/organizer" className={linkClass}>Organizer</Link>}
        <span className="ml-auto flex items-center gap-4">
          {user ? (
            <>
              <Link href="/account" className={linkClass} title="Your account" data-testid="signed-in-as">{user.name}</Link>
              <SignOutButton />
            </>
          ) : (
            <>
              <Link href="/sign-in" className={linkClass}>Sign in</Link>
              <Link href="/sign-up" className="rounded bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500">Sign up</Link>
            </>
          )}
        </span>
      </nav>
    </header>
  );
}
