/** Who is asking, for the audit trail (DownloadLog, TermsAcceptance). */
export interface ClientInfo {
  /** "" when unknown. */
  ip: string;
  userAgent: string;
}

/**
 * The client's address and user agent from request headers. Behind a reverse proxy the address
 * is the first entry of x-forwarded-for (the proxy appends, the client's own value comes first
 * only if the proxy overwrites it, which the usual set-ups do); Next.js sets the header itself
 * from the socket when there is no proxy. Values are capped: they are stored, not trusted.
 */
export function readClientInfo(headers: Pick<Headers, "get">): ClientInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip")?.trim() || "";
  return { ip: ip.slice(0, 100), userAgent: (headers.get("user-agent") ?? "").slice(0, 500) };
}
