import { unsubscribeFromAnnouncements } from "@/lib/announcements/unsubscribe-from-announcements";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { handleRoute } from "@/lib/http/handle-route";

export const dynamic = "force-dynamic";

/** A one-click body is one field ("List-Unsubscribe=One-Click"); our page's form adds the token. */
const MAX_BODY_BYTES = 4096;

/**
 * Unsubscribes from announcement e-mails; POST only (GET answers 405: mail scanners fetch links,
 * and a GET must never change anything). Two callers:
 * - mail programs' one-click button (RFC 8058): POST to the List-Unsubscribe address, the token in
 *   the query, body `List-Unsubscribe=One-Click`: answered 200 with a short text;
 * - the confirmation page /unsubscribe: a form with the token as a field, answered 303 back to
 *   the page, which then says it is done.
 * No session and no CSRF token: the signed token is the whole authority, and all it can do is
 * switch announcement e-mails off for its owner.
 */
export const POST = handleRoute(async (request: Request) => {
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES)
    throw new AppError("too-large", { user: `The request body may be at most ${MAX_BODY_BYTES} bytes.` });
  const type = request.headers.get("content-type") ?? "";
  let form: FormData | null = null;
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    try {
      form = await request.formData();
    } catch {
      throw new AppError("validation", { user: "The request body is not a valid form." });
    }
  }
  const fromForm = form?.get("token");
  const token = typeof fromForm === "string" ? fromForm : new URL(request.url).searchParams.get("token");
  const result = await unsubscribeFromAnnouncements({ db: getDb(), token });
  if (typeof fromForm === "string") {
    return new Response(null, { status: 303, headers: { location: "/unsubscribe?done=1", "cache-control": "no-store" } });
  }
  return new Response(`${result.maskedEmail} no longer receives announcement e-mails from Tiny Portraits.\n`, {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
});
