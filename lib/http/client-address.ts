import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { env } from "../env";

/**
 * Who is on the other end of a request, decided in one place for sign-in and sign-up throttling,
 * the terms records and the download log.
 *
 * Next.js route handlers and server actions do not expose the socket. Next itself only fills
 * X-Forwarded-For from the socket when the client did not send one, so that header alone is
 * whatever the client chose. Our web server (scripts/serve-web.ts) therefore stamps the socket
 * address into SOCKET_ADDRESS_HEADER on every request, after removing any copy the client sent,
 * together with a random per-process token: a stamp without the token (a forged header, or a
 * server started some other way) is ignored.
 */
export const SOCKET_ADDRESS_HEADER = "x-tiny-portraits-socket";

/** Shared through globalThis: the server and the bundled route code are separate module instances in one process. */
const TOKEN_KEY = Symbol.for("tiny-portraits.socket-stamp-token");
type TokenHolder = { [TOKEN_KEY]?: string };

/** The header value that vouches for a socket address in this process (the server, and tests). */
export function socketAddressStamp(address: string): string {
  const holder = globalThis as TokenHolder;
  holder[TOKEN_KEY] ??= randomBytes(16).toString("hex");
  return `${holder[TOKEN_KEY]} ${address}`;
}

/** For the web server: replaces whatever the client sent with the socket's peer address. */
export function stampSocketAddress(request: Pick<IncomingMessage, "headers" | "socket">): void {
  delete request.headers[SOCKET_ADDRESS_HEADER];
  const address = request.socket.remoteAddress;
  if (address) request.headers[SOCKET_ADDRESS_HEADER] = socketAddressStamp(address);
}

/** Request headers as a Fetch Headers object or a Node/next-auth record. */
export type HeaderSource = Pick<Headers, "get"> | Record<string, string | string[] | undefined | unknown>;

function header(headers: HeaderSource, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const value = (headers as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "string" ? value : null;
}

export interface ClientAddress {
  /** The client's address as far as it can be trusted, or null when unknown. */
  address: string | null;
  /** The socket's peer (our proxy, when there is one), or null when not stamped. */
  socket: string | null;
}

/** Drops IPv4-mapped IPv6 prefixes and brackets/ports, caps the length: values are stored and used as keys. */
function normalise(value: string | undefined): string | null {
  let v = value?.trim();
  if (!v) return null;
  if (v.startsWith("[")) v = v.slice(1, v.indexOf("]") > 0 ? v.indexOf("]") : undefined);
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  if (v.toLowerCase().startsWith("::ffff:") && v.includes(".")) v = v.slice(7);
  return v.slice(0, 100) || null;
}

/**
 * The client address under TRUST_PROXY_HOPS: 0 means the socket's peer (X-Forwarded-For is the
 * client's own claim and ignored); n means the n-th X-Forwarded-For entry from the right, the
 * one our n-th proxy appended (entries to its left are the client's claims). With fewer entries
 * than hops the request did not come through the proxies: the socket address is used.
 */
export function readClientAddress(headers: HeaderSource, options: { trustProxyHops?: number } = {}): ClientAddress {
  const hops = options.trustProxyHops ?? env().TRUST_PROXY_HOPS;
  const stamp = header(headers, SOCKET_ADDRESS_HEADER);
  const token = (globalThis as TokenHolder)[TOKEN_KEY];
  const space = stamp?.indexOf(" ") ?? -1;
  const socket = token && stamp && space > 0 && stamp.slice(0, space) === token ? normalise(stamp.slice(space + 1)) : null;
  if (hops === 0) return { address: socket, socket };
  const chain = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const address = chain.length >= hops ? normalise(chain[chain.length - hops]) : socket;
  return { address, socket };
}

/** For records and logs: "203.0.113.7", or "203.0.113.7 via 10.0.0.2" when a proxy relayed it; "" when unknown. */
export function formatClientAddress(client: ClientAddress): string {
  if (!client.address) return client.socket ? `unknown via ${client.socket}` : "";
  return client.socket && client.socket !== client.address ? `${client.address} via ${client.socket}` : client.address;
}

/** The key that throttles count against: the address, or one shared "unknown" bucket. */
export function throttleKeyOf(client: ClientAddress): string {
  return client.address ?? "unknown";
}
