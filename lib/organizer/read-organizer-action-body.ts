import { readJsonBody } from "../http/read-json-body";

/** Organizer action bodies are tiny; anything larger is not ours. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * An organizer action's JSON body: readJsonBody with the organizer API's policy, application/json
 * only (the CSRF guard of this cookie-authenticated API, see lib/http/read-json-body.ts), at most
 * 16 KB, empty = `{}`.
 */
export function readOrganizerActionBody(request: Request): Promise<unknown> {
  return readJsonBody({ request, maxBytes: MAX_BODY_BYTES, requireJsonContentType: true, emptyBody: {} });
}
