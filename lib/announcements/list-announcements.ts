import type { Db } from "../db/client";
import { AnnouncementAudience, describeAudience } from "./announcement-audience";

export interface AnnouncementRow {
  id: string;
  title: string;
  body: string;
  audience: string;
  bannerUntil: Date | null;
  sendEmail: boolean;
  recipients: number;
  emailedCount: number;
  emailedAt: Date | null;
  createdAt: Date;
  createdBy: string | null;
}

/** Organizer: the latest announcements (newest first) with how far their e-mail got. */
export async function listAnnouncements(options: { db: Db; take?: number }): Promise<AnnouncementRow[]> {
  const { db } = options;
  const rows = await db.announcement.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: options.take ?? 100 });
  const phaseIds = new Set<string>();
  const teamIds = new Set<string>();
  const userIds = new Set<string>();
  const audiences = rows.map((r) => {
    const a = AnnouncementAudience.safeParse(r.audience);
    if (a.success && a.data.kind === "submitted-in-phase") phaseIds.add(a.data.phaseId);
    if (a.success && a.data.kind === "team") teamIds.add(a.data.teamId);
    if (r.createdById) userIds.add(r.createdById);
    return a.success ? a.data : null;
  });
  const [phases, teams, users] = await Promise.all([
    db.phase.findMany({ where: { id: { in: [...phaseIds] } }, select: { id: true, name: true } }),
    db.team.findMany({ where: { id: { in: [...teamIds] } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, email: true } }),
  ]);
  const phaseName = new Map(phases.map((p) => [p.id, p.name]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const email = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r, i) => {
    const a = audiences[i];
    return {
      id: r.id,
      title: r.title,
      body: r.body,
      audience: a
        ? describeAudience(a, {
            phase: a.kind === "submitted-in-phase" ? phaseName.get(a.phaseId) : undefined,
            team: a.kind === "team" ? teamName.get(a.teamId) : undefined,
          })
        : "unknown",
      bannerUntil: r.bannerUntil,
      sendEmail: r.sendEmail,
      recipients: r.recipients,
      emailedCount: r.emailedCount,
      emailedAt: r.emailedAt,
      createdAt: r.createdAt,
      createdBy: r.createdById ? (email.get(r.createdById) ?? null) : null,
    };
  });
}
