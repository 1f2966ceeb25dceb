import type { Db } from "../db/client";
import type { UserRole } from "../db/enums";

export interface UserListRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: Date;
  submissions: number;
}

/** Every account, organizers first, then by e-mail: for `npm run users -- list`. */
export async function listUsers(options: { db: Db }): Promise<UserListRow[]> {
  const users = await options.db.user.findMany({
    orderBy: [{ role: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, createdAt: true, _count: { select: { submissions: true } } },
  });
  return users.map(({ _count, ...u }) => ({ ...u, role: u.role as UserRole, submissions: _count.submissions }));
}
