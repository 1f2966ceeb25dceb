import { formatClientAddress, readClientAddress, type HeaderSource } from "../http/client-address";

/** Who is asking, for the audit trail (DownloadLog, TermsAcceptance). */
export interface ClientInfo {
  /** The client address ("203.0.113.7", or "203.0.113.7 via 10.0.0.2" behind a proxy), "" when unknown. */
  ip: string;
  userAgent: string;
}

/**
 * The client's address and user agent, for the audit trail. The address is the one
 * lib/http/client-address.ts trusts under TRUST_PROXY_HOPS (never an X-Forwarded-For entry the
 * client wrote itself), with the socket address kept beside it when a proxy relayed the request.
 */
export function readClientInfo(headers: HeaderSource & Pick<Headers, "get">): ClientInfo {
  return { ip: formatClientAddress(readClientAddress(headers)).slice(0, 200), userAgent: (headers.get("user-agent") ?? "").slice(0, 500) };
}
