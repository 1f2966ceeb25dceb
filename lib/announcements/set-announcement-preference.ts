import type { Db } from "../db/client";

/** The account page's switch: receive organizer announcements by e-mail or not (the banner shows either way). */
export async function setAnnouncementPreference(options: {
  db: Db;
  userId: string;
  subscribed: boolean;
  now?: Date;
}): Promise<{ subscribed: boolean }> {
  await options.db.user.update({
    where: { id: options.userId },
    data: { announcementsOptOutAt: options.subscribed ? null : (options.now ?? new Date()) },
  });
  return { subscribed: options.subscribed };
}
