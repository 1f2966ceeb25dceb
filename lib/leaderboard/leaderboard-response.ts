import type { LeaderboardExport } from "./export-leaderboard";

/**
 * The HTTP response of a leaderboard export. Public and briefly cacheable: the board changes at
 * most about once a second.
 *
 * Compression is left to the server: precompressing the memoised body once per snapshot would
 * save next start a gzip per request, but Next.js 16 drops a route handler's own
 * Content-Encoding header and compresses the bytes again (clients then receive gzip inside
 * gzip), so the export is sent plain and kept small instead (numbers rounded in the JSON).
 */
export function leaderboardResponse(options: { request: Request; out: LeaderboardExport; headers?: Record<string, string> }): Response {
  const { out } = options;
  const headers = new Headers({
    "content-type": out.contentType,
    "cache-control": "public, max-age=2",
    "last-modified": out.generatedAt.toUTCString(),
    ...options.headers,
  });
  return new Response(out.body, { headers });
}
