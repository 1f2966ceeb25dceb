import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/** Signs one of the user's browsers out (its cookie stops working at once); someone else's id is "not found". */
export async function revokeSession(options: { db: Db; userId: string; sessionId: unknown }): Promise<void> {
  const id = typeof options.sessionId === "string" ? options.sessionId.slice(0, 100) : "";
  const { count } = await options.db.session.deleteMany({ where: { id, userId: options.userId } });
  if (count === 0) throw new AppError("not-found", { user: "That session has ended already." });
}
