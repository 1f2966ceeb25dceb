import Link from "next/link";

const LINKS = [
  ["/organizer", "Dashboard"],
  ["/organizer/phases", "Phases"],
  ["/organizer/participants", "Participants"],
  ["/organizer/teams", "Teams"],
  ["/organizer/submissions", "Submissions"],
  ["/organizer/jobs", "Jobs"],
  ["/organizer/verification", "Verification"],
  ["/organizer/compliance", "Compliance"],
  ["/organizer/announcements", "Announcements"],
  ["/organizer/entry-rules", "Entry rules"],
  ["/organizer/audit", "Audit trail"],
] as const;

/** The organizer console's sections. */
export function ConsoleNav() {
  return (
    <nav aria-label="Organizer console" className="mb-6 flex flex-wrap gap-2 text-sm">
      {LINKS.map(([href, label]) => (
        <Link
          key={href}
          href={href}
          className="rounded border border-stone-300 bg-white px-3 py-1 hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
