import { readJsonBody } from "@/lib/http/read-json-body";

/**
 * The JSON body of a team request: at most 4 KB, application/json only (the CSRF guard of a
 * cookie-authenticated API, lib/http/read-json-body.ts), empty = `{}`.
 */
export function readTeamBody(request: Request): Promise<unknown> {
  return readJsonBody({ request, maxBytes: 4096, requireJsonContentType: true, emptyBody: {} });
}

/** A string field of a parsed body, or undefined (the operation's schema says what is wrong). */
export function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
}

export const NO_STORE = { "cache-control": "no-store" } as const;
