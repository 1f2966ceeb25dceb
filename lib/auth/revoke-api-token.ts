import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/** Deletes one of the user's tokens; it stops working at once. Someone else's id is "not found". */
export async function revokeApiToken(options: { db: Db; userId: string; tokenId: unknown }): Promise<void> {
  const id = typeof options.tokenId === "string" ? options.tokenId.slice(0, 100) : "";
  const { count } = await options.db.apiToken.deleteMany({ where: { id, userId: options.userId } });
  if (count === 0) throw new AppError("not-found", { user: "There is no such token (it may have been revoked already)." });
}
