import { timingSafeEqual, createHash } from "node:crypto";

export type MetricsAccess = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read /metrics. With METRICS_TOKEN set: only `Authorization: Bearer <token>` (compared in
 * constant time), from anywhere. Unset: only clients on this machine, decided from the socket's
 * peer address, never from headers; and only requests that no proxy relayed (a reverse proxy on
 * the same machine connects from loopback too, so a request carrying X-Forwarded-For, Forwarded or
 * X-Real-IP came from outside and is refused).
 */
export function authorizeMetricsRequest(options: {
  /** The socket's peer address (request.socket.remoteAddress). */
  socketAddress: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  token: string | undefined;
}): MetricsAccess {
  const { headers, token } = options;
  if (token) {
    const auth = headers.authorization;
    const given = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
    // Hash both sides so the comparison takes the same time whatever the lengths.
    const a = createHash("sha256").update(given).digest();
    const b = createHash("sha256").update(token).digest();
    if (given && timingSafeEqual(a, b)) return { ok: true };
    return { ok: false, status: 401, reason: "a valid Bearer token is required" };
  }
  if (!options.socketAddress || !LOOPBACK.test(options.socketAddress)) {
    return { ok: false, status: 403, reason: "metrics are served to this machine only (set METRICS_TOKEN to read them remotely)" };
  }
  if (headers["x-forwarded-for"] !== undefined || headers.forwarded !== undefined || headers["x-real-ip"] !== undefined) {
    return { ok: false, status: 403, reason: "metrics are not served through a proxy without METRICS_TOKEN" };
  }
  return { ok: true };
}
