import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { MobileMenu } from "./mobile-menu";
import { SignOutButton } from "./sign-out-button";

// inline-flex + min-h-6: every link is a target at least 24 px high (WCAG 2.2, 2.5.8).
const linkClass =
  "inline-flex min-h-6 items-center text-sm text-stone-600 hover:text-stone-900 focus:outline-none focus:ring-2 focus:ring-stone-500";

/**
 * The site's navigation: public pages for everyone, the participant's pages when signed in.
 * From 640 px the links sit in one row; below, they are behind the Menu button (mobile-menu.tsx).
 */
export async function SiteHeader() {
  const user = await getCurrentUser();
  const links = [
    { href: "/", label: "Challenge" },
    { href: "/leaderboard", label: "Leaderboard" },
    { href: "/data", label: "Data" },
    { href: "/explore", label: "Explore" },
    { href: "/starter-kit", label: "Starter kit" },
    { href: "/submit", label: "Submit" },
    ...(user ? [{ href: "/submissions", label: "My submissions" }] : []),
    ...(user?.role === "organizer" ? [{ href: "/organizer", label: "Organizer" }] : []),
  ];
  // Rendered twice (row and menu); the test id only on the row, so it stays unique on the page.
  const account = (testId?: string) =>
    user ? (
      <>
        <Link href="/account" className={linkClass} title="Your account" data-testid={testId}>
          {user.name}
        </Link>
        <SignOutButton />
      </>
    ) : (
      <>
        <Link href="/sign-in" className={linkClass}>
          Sign in
        </Link>
        <Link
          href="/sign-up"
          className="inline-flex min-h-6 items-center rounded bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          Sign up
        </Link>
      </>
    );
  return (
    <header className="relative border-b border-stone-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3">
        <Link href="/" className="inline-flex min-h-6 items-center font-semibold tracking-tight">
          Tiny Portraits
        </Link>
        {links.map((l) => (
          <Link key={l.href} href={l.href} className={`${linkClass} max-sm:hidden`}>
            {l.label}
          </Link>
        ))}
        <span className="ml-auto flex items-center gap-4 max-sm:hidden">{account("signed-in-as")}</span>
        <span className="ml-auto sm:hidden">
          <MobileMenu links={links} footer={account()} />
        </span>
      </nav>
    </header>
  );
}
