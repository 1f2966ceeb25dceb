import { AppError } from "../errors/app-error";

/**
 * The JSON body of a small API request, read with a byte cap as it streams in (`request.json()`
 * or `request.text()` would buffer whatever a client sends). Over the cap is "too-large",
 * unparsable JSON is "validation"; validation of the content is the operation's job (its zod
 * schema), so the result is `unknown`.
 *
 * `requireJsonContentType` refuses anything not sent as application/json: the CSRF guard of a
 * cookie-authenticated API, since a cross-site HTML form can only send form or text bodies and a
 * cross-site fetch with a JSON content type needs a CORS preflight this app never grants.
 * `emptyBody`, when given, is the value of an empty body (otherwise it is invalid JSON).
 */
export async function readJsonBody(options: {
  request: Request;
  maxBytes: number;
  requireJsonContentType?: boolean;
  emptyBody?: unknown;
}): Promise<unknown> {
  const { request, maxBytes } = options;
  if (options.requireJsonContentType && !/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new AppError("validation", { user: "Send the request body as JSON (Content-Type: application/json)." });
  }
  const tooLarge = () => new AppError("too-large", { user: `The request body may be at most ${maxBytes} bytes.` });
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (options.emptyBody !== undefined && text.trim().length === 0) return options.emptyBody;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("validation", { user: "The request body is not valid JSON." });
  }
}
