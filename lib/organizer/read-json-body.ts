import { AppError } from "../errors/app-error";

/** Organizer action bodies are tiny; anything larger is not ours. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON request body (an empty body is `{}`), refusing anything not sent as
 * application/json. That refusal is the CSRF guard of the cookie-authenticated organizer API:
 * a cross-site HTML form can only send form or text bodies, and a cross-site fetch with a JSON
 * content type needs a CORS preflight this app never grants. Validation is the operation's
 * job (its zod schema), so the result is `unknown`.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("validation", { user: "Send the request body as JSON (Content-Type: application/json)." });
  }
  const tooLarge = () => new AppError("too-large", { user: "The request body is too large." });
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) throw tooLarge();
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw tooLarge();
  if (text.trim().length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("validation", { user: "The request body is not valid JSON." });
  }
}
