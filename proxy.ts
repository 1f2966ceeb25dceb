import { NextResponse, type NextRequest } from "next/server";

/**
 * Runs before every page and route (Next.js 16's proxy, the former middleware):
 *
 * 1. A path whose percent-escapes do not decode (`/api/submissions/%ZZ`) is answered 400 here:
 *    left to the router, it fails deep inside Next.js with a 500.
 * 2. A Content-Security-Policy with a fresh nonce per request. Next.js reads the nonce from the
 *    request's CSP header and puts it on its own inline scripts; any other script, injected or
 *    not, does not run. Nonces need dynamic rendering: the root layout is dynamic for that.
 *
 * The headers that never vary (nosniff, frame and referrer policies, Permissions-Policy) are set
 * for every response, static files included, in next.config.ts. HSTS belongs to the TLS proxy
 * in front of the site (docs/security-headers.md).
 */
export function proxy(request: NextRequest): NextResponse {
  if (!decodesCleanly(request.nextUrl.pathname)) return badPath(request.nextUrl.pathname);

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development", https: isHttps(process.env.PUBLIC_URL) });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Static build files carry no inline script (next.config.ts gives them the fixed headers).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};

export function contentSecurityPolicy(options: { nonce: string; dev: boolean; https: boolean }): string {
  const { nonce } = options;
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonce'd bootstrap loads (the page chunks) may run, nothing else.
    // React in development needs eval for its error overlays; production does not.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // Inline style *attributes* are needed: recharts positions its SVG and tooltips with style=""
    // and React renders style props (the confusion matrix shading, the skip link). A nonce cannot
    // cover attributes, and styles cannot run code, so 'unsafe-inline' here costs little.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // Sign-in forms post to /api/auth, which redirects to the OAuth providers when configured.
    "form-action 'self' https://github.com https://accounts.google.com",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

function isHttps(url: string | undefined): boolean {
  return typeof url === "string" && url.startsWith("https://");
}

function decodesCleanly(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function badPath(pathname: string): NextResponse {
  const message = "The address contains a malformed percent-escape.";
  const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "validation", message, details: [] } }, { status: 400, headers });
  }
  return new NextResponse(`${message}\n`, { status: 400, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
}
