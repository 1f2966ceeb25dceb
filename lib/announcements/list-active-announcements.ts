import type { Db } from "../db/client";
import { AnnouncementAudience, audienceWhere } from "./announcement-audience";

export interface BannerAnnouncement {
  id: string;
  title: string;
  body: string;
  createdAt: Date;
}

/** At most this many banners at once: the newest matter, the page must stay usable on a phone. */
const MAX_BANNERS = 2;

/**
 * The announcements whose banner is showing now, newest first, for the site's banner. An audience
 * of everyone is public (visitors see it too, and the anonymous response cache may serve it for
 * its one second); any other audience is shown only to a signed-in member of it, so a filtered
 * announcement never reaches outsiders.
 */
export async function listActiveAnnouncements(options: { db: Db; userId?: string | null; now?: Date }): Promise<BannerAnnouncement[]> {
  const now = options.now ?? new Date();
  const rows = await options.db.announcement.findMany({
    where: { bannerUntil: { gt: now } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
    select: { id: true, title: true, body: true, createdAt: true, audience: true },
  });
  const shown: BannerAnnouncement[] = [];
  for (const row of rows) {
    if (shown.length >= MAX_BANNERS) break;
    const audience = AnnouncementAudience.safeParse(row.audience);
    if (!audience.success) continue;
    if (audience.data.kind !== "all") {
      if (!options.userId) continue;
      const member = await options.db.user.count({ where: { AND: [audienceWhere(audience.data), { id: options.userId }] } });
      if (member === 0) continue;
    }
    shown.push({ id: row.id, title: row.title, body: row.body, createdAt: row.createdAt });
  }
  return shown;
}
