import { z } from "zod";
import { emailSchema } from "../auth/account-schemas";
import type { Prisma } from "../db/client";
import { CURRENT_TERMS } from "../terms/terms-document";

/**
 * Who an announcement is for. Always verified, active (not suspended, banned or deleted)
 * participants; organizers are not recipients. The kinds are the ones the organizer console can
 * already tell apart about a participant (lib/organizer/list-participants.ts shows the verified
 * flag, the accepted terms version and the submissions; teams come from TeamMember):
 * - all: every such participant;
 * - submitted-in-phase: those with at least one submission in that phase;
 * - accepted-terms: those who accepted that terms version (default: the current one);
 * - team: the members of one team;
 * - emails: a list of addresses (at most 1000), for a hand-picked group.
 */
export const AnnouncementAudience = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }).strict(),
  z.object({ kind: z.literal("submitted-in-phase"), phaseId: z.string().trim().min(1, "choose a phase").max(100) }).strict(),
  z.object({ kind: z.literal("accepted-terms"), version: z.string().trim().min(1).max(100).default(CURRENT_TERMS.version) }).strict(),
  z.object({ kind: z.literal("team"), teamId: z.string().trim().min(1, "choose a team").max(100) }).strict(),
  z
    .object({
      kind: z.literal("emails"),
      emails: z
        .union([z.string().max(100_000), z.array(z.string().max(300)).max(1000)])
        .transform((v) => (typeof v === "string" ? v.split(/[\s,;]+/) : v).map((e) => e.trim()).filter(Boolean))
        .pipe(z.array(emailSchema).min(1, "list at least one address").max(1000, "at most 1000 addresses"))
        .transform((list) => [...new Set(list)]),
    })
    .strict(),
]);
export type AnnouncementAudience = z.output<typeof AnnouncementAudience>;

/** The audience as Prisma's filter on User (everyone the announcement is meant for, opted out or not). */
export function audienceWhere(audience: AnnouncementAudience): Prisma.UserWhereInput {
  const base: Prisma.UserWhereInput = { role: "participant", status: "active", deletedAt: null, emailVerifiedAt: { not: null } };
  switch (audience.kind) {
    case "all":
      return base;
    case "submitted-in-phase":
      return { ...base, submissions: { some: { phaseId: audience.phaseId } } };
    case "accepted-terms":
      return { ...base, termsAcceptances: { some: { termsVersion: audience.version } } };
    case "team":
      return { ...base, teamMembership: { is: { teamId: audience.teamId } } };
    case "emails":
      return { ...base, email: { in: audience.emails } };
  }
}

/** Those the e-mail goes to: the audience minus whoever unsubscribed from announcements. */
export function emailRecipientsWhere(audience: AnnouncementAudience): Prisma.UserWhereInput {
  return { AND: [audienceWhere(audience), { announcementsOptOutAt: null }] };
}

/** A short description for the console's list ("all verified participants", "team …"). */
export function describeAudience(audience: AnnouncementAudience, names: { phase?: string; team?: string } = {}): string {
  switch (audience.kind) {
    case "all":
      return "all verified participants";
    case "submitted-in-phase":
      return `those who submitted in ${names.phase ? `phase “${names.phase}”` : "a phase"}`;
    case "accepted-terms":
      return `those who accepted terms ${audience.version}`;
    case "team":
      return `team ${names.team ? `“${names.team}”` : audience.teamId}`;
    case "emails":
      return `${audience.emails.length} listed address${audience.emails.length === 1 ? "" : "es"}`;
  }
}
