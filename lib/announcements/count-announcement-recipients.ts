import type { Db, DbTransaction } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { AnnouncementAudience, audienceWhere, emailRecipientsWhere } from "./announcement-audience";

export interface RecipientCount {
  /** Verified, active participants the filter selects. */
  audience: number;
  /** Of those, who would get the e-mail (not unsubscribed). */
  emailRecipients: number;
}

/** Parses an audience from a request or fails with a 400 naming the field. */
export function parseAudience(input: unknown): AnnouncementAudience {
  const parsed = AnnouncementAudience.safeParse(input);
  if (!parsed.success)
    throw new AppError("validation", {
      user: "Please check who the announcement is for.",
      details: zodDetails(parsed.error).map((d) => ({ ...d, field: d.field ? `audience.${d.field}` : "audience" })),
    });
  return parsed.data;
}

/** How many participants an audience reaches, for the compose form's preview and the announcement's record. */
export async function countAnnouncementRecipients(options: { db: Db | DbTransaction; audience: unknown }): Promise<RecipientCount> {
  const audience = parseAudience(options.audience);
  const [all, emailRecipients] = await Promise.all([
    options.db.user.count({ where: audienceWhere(audience) }),
    options.db.user.count({ where: emailRecipientsWhere(audience) }),
  ]);
  return { audience: all, emailRecipients };
}
