import { z } from "zod";

/** Who did something, as the audit trail records it. */
export interface AuditActor {
  /** The organizer's user id; null for the command line. */
  id: string | null;
  /** Their e-mail at the time, or "cli" (kept even if the account is deleted later). */
  label: string;
  /** Client address as recorded (lib/http/client-address.ts); "" for the command line. */
  ip?: string;
}

/** Every action the trail knows. New actions are added here, never free text. */
export const AuditAction = z.enum([
  "user.promote",
  "user.demote",
  "user.suspend",
  "user.ban",
  "user.reinstate",
  "phase.create",
  "phase.update",
  "phase.reveal",
  "phase.hide",
  "phase.delete",
  "submission.disqualify",
  "submission.reinstate",
  "submission.rescore",
  "submission.view",
  "submission.file",
  "labels.export",
  "export.participants",
  "export.acceptances",
  "export.downloads",
  "export.submissions",
  "export.audit",
  "announcement.create",
  "entry-rules.update",
  "invitation-code.create",
  "invitation-code.revoke",
  "team.remove-member",
  "team.disband",
  "rescore.batch",
  "job.requeue",
  "verification.request",
  "verification.rerun",
  "verification.reject",
  "verification.code-download",
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditTargetType = z.enum([
  "user",
  "phase",
  "submission",
  "labels",
  "export",
  "announcement",
  "entry-rules",
  "invitation-code",
  "team",
  "rescore-batch",
  "job",
  "verification",
]);
export type AuditTargetType = z.infer<typeof AuditTargetType>;

/** The actor of a signed-in organizer's request. */
export function organizerActor(user: { id: string; email: string }, ip?: string): AuditActor {
  return { id: user.id, label: user.email, ip: ip ?? "" };
}

/** The command line (`npm run users`): no account, the OS user when known. */
export function cliActor(osUser?: string): AuditActor {
  return { id: null, label: osUser ? `cli:${osUser}` : "cli", ip: "" };
}
