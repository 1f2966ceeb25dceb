import { listActiveAnnouncements } from "@/lib/announcements/list-active-announcements";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { AnnouncementText } from "./announcement-text";
import { DismissibleBanner } from "./dismissible-banner";

/**
 * The organizers' current announcements, at the top of every page (app/layout.tsx). Server
 * rendered, so it shows without JavaScript and inside the anonymous response cache's one-second
 * copies; dismissing is remembered per browser by the client part. A database hiccup must not
 * take every page down with it: then no banner.
 */
export async function AnnouncementBanner() {
  let announcements: Awaited<ReturnType<typeof listActiveAnnouncements>> = [];
  try {
    const user = await getCurrentUser();
    announcements = await listActiveAnnouncements({ db: getDb(), userId: user?.id ?? null });
  } catch (error) {
    console.error("[announcements] banner not shown", error);
  }
  if (announcements.length === 0) return null;
  return (
    <div className="border-b border-amber-300 bg-amber-50">
      {announcements.map((a) => (
        <DismissibleBanner key={a.id} id={a.id}>
          <p className="font-semibold">{a.title}</p>
          <AnnouncementText text={a.body} className="mt-1 space-y-1 text-sm text-stone-800" />
          <p className="mt-1 text-xs text-stone-500">Posted {formatUtc(a.createdAt)}</p>
        </DismissibleBanner>
      ))}
    </div>
  );
}
