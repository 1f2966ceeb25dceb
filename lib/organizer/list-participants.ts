import { z } from "zod";
import { displayNameKey } from "../auth/display-name-key";
import type { Db, Prisma } from "../db/client";
import { UserStatus } from "../db/enums";
import { PageQuery, TextFilter, iterateById, readListPage, type ListPage } from "./organizer-list-query";

export const ParticipantsQuery = PageQuery.extend({
  /** Part of the name or the e-mail address. */
  q: TextFilter,
  status: UserStatus.optional().or(z.literal("").transform(() => undefined)),
});
export type ParticipantsQuery = z.output<typeof ParticipantsQuery>;

export interface ParticipantRow {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  status: string;
  statusReason: string | null;
  deleted: boolean;
  createdAt: Date;
  /** The latest terms version they accepted, and when. */
  termsVersion: string | null;
  termsAcceptedAt: Date | null;
  submissions: number;
  /** Best public main score among scored, not disqualified submissions (organizers see it unrounded). */
  bestPublic: number | null;
  /** Latest of: a session used, a submission, a download, an API token used. */
  lastActiveAt: Date | null;
}

function whereOf(q: Partial<ParticipantsQuery>): Prisma.UserWhereInput {
  const text = q.q;
  return {
    role: "participant",
    ...(q.status ? { status: q.status } : {}),
    // E-mails are stored lower-case and names have a folded key, so one search works alike on
    // SQLite (case-insensitive LIKE) and PostgreSQL (case-sensitive LIKE).
    ...(text
      ? { OR: [{ email: { contains: text.toLowerCase() } }, { nameKey: { contains: displayNameKey(text) } }, { name: { contains: text } }] }
      : {}),
  };
}

const USER_SELECT = {
  id: true,
  name: true,
  email: true,
  emailVerifiedAt: true,
  status: true,
  statusReason: true,
  deletedAt: true,
  createdAt: true,
} as const;
type UserBase = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

/** Participants (not organizers), newest accounts first, one page, with their activity figures. */
export async function listParticipants(options: { db: Db; query?: Partial<ParticipantsQuery> }): Promise<ListPage<ParticipantRow>> {
  const query = { ...ParticipantsQuery.parse({}), ...options.query };
  const where = whereOf(query);
  return readListPage(
    query,
    async (window) =>
      withActivity(
        options.db,
        await options.db.user.findMany({ where, select: USER_SELECT, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...window }),
      ),
    () => options.db.user.count({ where }),
  );
}

/** Every matching participant in id order, for the CSV export (pages of 500). */
export function iterateParticipants(options: { db: Db; query?: Partial<ParticipantsQuery> }): AsyncGenerator<ParticipantRow> {
  return iterateById(
    whereOf(options.query ?? {}),
    (batch) => options.db.user.findMany({ ...batch, select: USER_SELECT }),
    (users) => withActivity(options.db, users),
  );
}

async function withActivity(db: Db, users: UserBase[]): Promise<ParticipantRow[]> {
  const ids = users.map((u) => u.id);
  if (ids.length === 0) return [];
  const userId = { in: ids };
  const [subs, scored, downloads, sessions, tokens, terms] = await Promise.all([
    db.submission.groupBy({ by: ["userId"], where: { userId }, _count: { _all: true }, _max: { createdAt: true } }),
    db.submission.findMany({
      where: { userId, status: "scored", disqualifiedAt: null },
      select: { userId: true, score: { select: { publicMain: true } } },
    }),
    db.downloadLog.groupBy({ by: ["userId"], where: { userId }, _max: { createdAt: true } }),
    db.session.groupBy({ by: ["userId"], where: { userId }, _max: { renewedAt: true } }),
    db.apiToken.groupBy({ by: ["userId"], where: { userId }, _max: { lastUsedAt: true } }),
    db.termsAcceptance.findMany({
      where: { userId },
      orderBy: [{ acceptedAt: "desc" }, { id: "desc" }],
      select: { userId: true, termsVersion: true, acceptedAt: true },
    }),
  ]);
  const best = new Map<string, number>();
  for (const s of scored) if (s.score && s.score.publicMain > (best.get(s.userId) ?? -Infinity)) best.set(s.userId, s.score.publicMain);
  const latestTerms = new Map<string, { termsVersion: string; acceptedAt: Date }>();
  for (const t of terms) if (!latestTerms.has(t.userId)) latestTerms.set(t.userId, t);
  const subsBy = new Map(subs.map((s) => [s.userId, s]));
  const last = new Map<string, number>();
  const touch = (id: string, d: Date | null | undefined) => {
    if (d && d.getTime() > (last.get(id) ?? 0)) last.set(id, d.getTime());
  };
  for (const s of subs) touch(s.userId, s._max.createdAt);
  for (const d of downloads) touch(d.userId, d._max.createdAt);
  for (const s of sessions) touch(s.userId, s._max.renewedAt);
  for (const t of tokens) touch(t.userId, t._max.lastUsedAt);
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    emailVerified: u.emailVerifiedAt !== null,
    status: u.status,
    statusReason: u.statusReason,
    deleted: u.deletedAt !== null,
    createdAt: u.createdAt,
    termsVersion: latestTerms.get(u.id)?.termsVersion ?? null,
    termsAcceptedAt: latestTerms.get(u.id)?.acceptedAt ?? null,
    submissions: subsBy.get(u.id)?._count._all ?? 0,
    bestPublic: best.get(u.id) ?? null,
    lastActiveAt: last.has(u.id) ? new Date(last.get(u.id)!) : null,
  }));
}
