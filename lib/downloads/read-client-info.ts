/** Who is asking, for the audit trail (DownloadLog, TermsAcceptance). */
export interface ClientInfo {
  /** The client address chain, "" when unknown. */
  ip: string;
  userAgent: string;
}

/**
 * The client's address and user agent from request headers, for the audit trail.
 *
 * `ip` is the whole X-Forwarded-For chain as it reached us ("203.0.113.7" or
 * "203.0.113.7, 10.0.0.1"), not only its first entry: the first entry is whatever the client
 * chose to send, while the last is the one added by our own reverse proxy (nginx's
 * $proxy_add_x_forwarded_for appends), so keeping the chain keeps the address we can trust
 * without knowing how many proxies a deployment has. Without a proxy, Next.js fills the header
 * from the socket when the client did not send one. Values are capped: they are stored, not trusted.
 */
export function readClientInfo(headers: Pick<Headers, "get">): ClientInfo {
  const forwarded = headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .join(", ");
  const ip = forwarded || headers.get("x-real-ip")?.trim() || "";
  return { ip: ip.slice(0, 200), userAgent: (headers.get("user-agent") ?? "").slice(0, 500) };
}
