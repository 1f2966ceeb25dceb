import type { Db, DbTransaction } from "../db/client";
import { AppError } from "../errors/app-error";
import { hashInvitationCode, normalizeInvitationCode } from "./invitation-code-format";

function refused(message: string): AppError {
  return new AppError("validation", { user: "Sign-up needs a valid invitation code.", details: [{ field: "invitationCode", message }] });
}

/**
 * Why a code cannot be used now, or null when it can. For the early check before the account is
 * created (a clear message, no account work); the use itself is counted by redeemInvitationCode.
 */
export async function checkInvitationCode(options: { db: Db | DbTransaction; code: string | undefined; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  const code = normalizeInvitationCode(options.code ?? "");
  if (code.length === 0) throw refused("This challenge is by invitation only: enter the invitation code you were given.");
  if (code.length > 64) throw refused("This is not a valid invitation code.");
  const row = await options.db.invitationCode.findUnique({ where: { codeHash: hashInvitationCode(code) } });
  if (!row) throw refused("This is not a valid invitation code. Check it for typos.");
  if (row.revokedAt) throw refused("This invitation code was withdrawn by the organizers.");
  if (row.expiresAt && row.expiresAt <= now) throw refused("This invitation code has expired.");
  if (row.uses >= row.maxUses) throw refused("This invitation code has already been used as often as it allows.");
}

/**
 * Counts one use of a code, in the transaction that creates the account: one conditional UPDATE
 * (not revoked, not expired, uses below maxUses) that both engines evaluate atomically per row
 * (PostgreSQL re-checks the condition after waiting for a concurrent writer's lock; SQLite
 * serializes writers), so two sign-ups racing for a code's last use cannot both get it. Returns
 * the code's id for User.invitationCodeId; throws the specific refusal otherwise.
 */
export async function redeemInvitationCode(options: { tx: DbTransaction; code: string | undefined; now?: Date }): Promise<string> {
  const { tx } = options;
  const now = options.now ?? new Date();
  const codeHash = hashInvitationCode(options.code ?? "");
  const updated = await tx.invitationCode.updateMany({
    where: {
      codeHash,
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      uses: { lt: tx.invitationCode.fields.maxUses },
    },
    data: { uses: { increment: 1 } },
  });
  if (updated.count === 1) {
    const row = await tx.invitationCode.findUnique({ where: { codeHash }, select: { id: true } });
    return row!.id;
  }
  // Say why (the same checks, read again); a code that passed a moment ago was used up meanwhile.
  await checkInvitationCode({ db: tx, code: options.code, now });
  throw refused("This invitation code has already been used as often as it allows.");
}
