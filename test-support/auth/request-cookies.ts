/**
 * A stand-in for next/headers in tests that call route handlers and server actions outside
 * Next.js but want the REAL session code (lib/auth/get-current-user: cookie → Session row →
 * account status): `cookies()` reads whatever Cookie header the test put in `requestCookies.header`,
 * as Next.js would read the incoming request's.
 *
 *   vi.mock("next/headers", () => import("../test-support/auth/request-cookies"));
 *   import { requestCookies } from "../test-support/auth/request-cookies";
 *   requestCookies.header = "next-auth.session-token=...";
 */
export const requestCookies: { header: string } = { header: "" };

function parse(header: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) map.set(part.slice(0, at).trim(), decodeURIComponent(part.slice(at + 1).trim()));
  }
  return map;
}

export async function cookies() {
  const map = parse(requestCookies.header);
  return {
    get: (name: string) => (map.has(name) ? { name, value: map.get(name)! } : undefined),
    getAll: () => [...map].map(([name, value]) => ({ name, value })),
    has: (name: string) => map.has(name),
    // Route handlers and actions of this app never set cookies through next/headers.
    set: () => {
      throw new Error("request-cookies stand-in: setting cookies is not supported");
    },
    delete: () => {
      throw new Error("request-cookies stand-in: deleting cookies is not supported");
    },
  };
}

export async function headers(): Promise<Headers> {
  return new Headers(requestCookies.header ? { cookie: requestCookies.header } : {});
}
