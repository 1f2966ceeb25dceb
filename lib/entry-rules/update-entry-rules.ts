import { organizerActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { ENTRY_RULES_KEY, EntryRules, getEntryRules, type EffectiveEntryRules } from "./get-entry-rules";

/**
 * Organizer: saves the entry rules (allowed and blocked domains, invitation-only mode). From then
 * on they replace the SIGNUP_*_DOMAINS variables (see getEntryRules). One transaction: the
 * setting and its audit record with the rules before and after. Accounts that exist are not
 * touched: the rules apply to sign-up (and to a change of address for the domains).
 */
export async function updateEntryRules(options: {
  db: Db;
  input: unknown;
  organizer: { id: string; email: string };
  ip?: string;
}): Promise<EffectiveEntryRules> {
  const parsed = EntryRules.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "Please check the entry rules.", details: zodDetails(parsed.error) });
  const rules = parsed.data;
  const clash = rules.allowedDomains.filter((d) => rules.blockedDomains.includes(d));
  if (clash.length > 0)
    throw new AppError("validation", {
      user: "Please check the entry rules.",
      details: [{ field: "blockedDomains", message: `listed as both allowed and blocked: ${clash.join(", ")}` }],
    });
  return options.db.$transaction(async (tx) => {
    const before = await getEntryRules({ db: tx });
    const value = { allowedDomains: rules.allowedDomains, blockedDomains: rules.blockedDomains, invitationOnly: rules.invitationOnly };
    const row = await tx.siteSetting.upsert({
      where: { key: ENTRY_RULES_KEY },
      create: { key: ENTRY_RULES_KEY, value, updatedById: options.organizer.id },
      update: { value, updatedById: options.organizer.id },
    });
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(options.organizer, options.ip),
      action: "entry-rules.update",
      target: { type: "entry-rules", id: ENTRY_RULES_KEY },
      details: {
        before: {
          allowedDomains: before.allowedDomains,
          blockedDomains: before.blockedDomains,
          invitationOnly: before.invitationOnly,
          source: before.source,
        },
        after: value,
      },
    });
    return { ...value, source: "console", updatedAt: row.updatedAt };
  });
}
