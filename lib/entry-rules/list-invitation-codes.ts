import type { Db } from "../db/client";

export interface InvitationCodeRow {
  id: string;
  prefix: string;
  label: string;
  uses: number;
  maxUses: number;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** "usable" | "revoked" | "expired" | "used up" */
  state: "usable" | "revoked" | "expired" | "used up";
}

/** Organizer: every invitation code, newest first (a challenge has tens, not thousands). */
export async function listInvitationCodes(options: { db: Db; now?: Date }): Promise<InvitationCodeRow[]> {
  const now = options.now ?? new Date();
  const rows = await options.db.invitationCode.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1000 });
  return rows.map((r) => ({
    id: r.id,
    prefix: r.prefix,
    label: r.label,
    uses: r.uses,
    maxUses: r.maxUses,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
    createdAt: r.createdAt,
    state: r.revokedAt ? "revoked" : r.expiresAt && r.expiresAt <= now ? "expired" : r.uses >= r.maxUses ? "used up" : "usable",
  }));
}
