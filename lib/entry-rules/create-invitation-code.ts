import { z } from "zod";
import { organizerActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { hashInvitationCode, invitationCodePrefix, newInvitationCode } from "./invitation-code-format";

export const CreateInvitationCodeInput = z
  .object({
    /** Who it is for, as the organizer wants to remember it (never shown to participants). */
    label: z.string().trim().max(120, "must be at most 120 characters").default(""),
    /** Sign-ups it admits; 10 000 is plenty for a whole class or lab. */
    maxUses: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(10_000, "must be at most 10000").default(1),
    /** ISO time (UTC) after which it stops working; empty: never. */
    expiresAt: z
      .union([
        z.iso.datetime({ offset: true, local: false, message: "must be an ISO 8601 time such as 2026-12-31T23:59:59Z" }),
        z.literal(""),
        z.null(),
      ])
      .optional()
      .transform((v) => (v ? new Date(v) : null)),
  })
  .strict();
export type CreateInvitationCodeInput = z.input<typeof CreateInvitationCodeInput>;

export interface CreatedInvitationCode {
  id: string;
  /** The code itself: returned this once, only its hash is stored. */
  code: string;
  prefix: string;
  label: string;
  maxUses: number;
  expiresAt: Date | null;
}

/** Organizer: creates an invitation code for the invitation-only mode; the code is shown once. Audited. */
export async function createInvitationCode(options: {
  db: Db;
  input: unknown;
  organizer: { id: string; email: string };
  ip?: string;
  now?: Date;
}): Promise<CreatedInvitationCode> {
  const parsed = CreateInvitationCodeInput.safeParse(options.input);
  if (!parsed.success)
    throw new AppError("validation", { user: "Please check the invitation code's fields.", details: zodDetails(parsed.error) });
  const { label, maxUses, expiresAt } = parsed.data;
  const now = options.now ?? new Date();
  if (expiresAt && expiresAt.getTime() <= now.getTime())
    throw new AppError("validation", {
      user: "Please check the invitation code's fields.",
      details: [{ field: "expiresAt", message: "is already past: choose a time in the future" }],
    });
  const code = newInvitationCode();
  const prefix = invitationCodePrefix(code);
  return options.db.$transaction(async (tx) => {
    const row = await tx.invitationCode.create({
      data: { codeHash: hashInvitationCode(code), prefix, label, maxUses, expiresAt, createdById: options.organizer.id },
    });
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(options.organizer, options.ip),
      action: "invitation-code.create",
      target: { type: "invitation-code", id: row.id },
      // Never the code: the trail is readable by every organizer and exported as CSV.
      details: { prefix, label, maxUses, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { id: row.id, code, prefix, label, maxUses, expiresAt };
  });
}
