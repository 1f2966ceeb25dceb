import { readJsonBody as readCappedJsonBody } from "../http/read-json-body";

/** Organizer action bodies are tiny; anything larger is not ours. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * An organizer action's JSON body: application/json only (the CSRF guard of this
 * cookie-authenticated API, see lib/http/read-json-body.ts), at most 16 KB, empty = `{}`.
 */
export function readJsonBody(request: Request): Promise<unknown> {
  return readCappedJsonBody({ request, maxBytes: MAX_BODY_BYTES, requireJsonContentType: true, emptyBody: {} });
}
