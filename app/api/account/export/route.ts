import { requireUser } from "@/lib/auth/get-current-user";
import { exportAccountData } from "@/lib/account/export-account-data";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";

export const dynamic = "force-dynamic";

/** "Download my data": the signed-in browser only (requireUser reads the session cookie; API tokens do not work here). */
export const GET = handleRoute(async () => {
  const user = await requireUser();
  const data = await exportAccountData({ db: getDb(), userId: user.id });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="tiny-portraits-account-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "private, no-store",
    },
  });
});
