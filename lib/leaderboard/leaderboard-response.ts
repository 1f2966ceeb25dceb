import type { LeaderboardExport } from "./export-leaderboard";

/**
 * The HTTP response of a leaderboard export: the precompressed body when the client accepts
 * gzip (Next.js leaves a response that already has a Content-Encoding alone), the plain one
 * otherwise. Public and briefly cacheable: the board changes at most about once a second.
 */
export function leaderboardResponse(options: { request: Request; out: LeaderboardExport; headers?: Record<string, string> }): Response {
  const { request, out } = options;
  const headers = new Headers({
    "content-type": out.contentType,
    "cache-control": "public, max-age=2",
    "last-modified": out.generatedAt.toUTCString(),
    vary: "accept-encoding",
    ...options.headers,
  });
  if (/\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
    headers.set("content-encoding", "gzip");
    return new Response(new Uint8Array(out.gzipped()), { headers });
  }
  return new Response(out.body, { headers });
}
