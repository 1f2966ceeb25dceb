import { NextResponse, type NextRequest } from "next/server";

/**
 * Runs before every page and route (Next.js 16's proxy, the former middleware):
 *
 * 1. A path whose percent-escapes do not decode (`/api/submissions/%ZZ`) is answered 400 here:
 *    left to the router, it fails deep inside Next.js with a 500.
 * 2. A server-action POST whose body does not decode (not JSON, a broken multipart form) is
 *    answered 400 here: Next.js decodes it before the action runs and answers 500 otherwise.
 *    The same for next-auth's POST endpoints (/api/auth/*), which fail on a body that is not JSON.
 *    Next.js buffers request bodies for the proxy, so reading a clone leaves the body intact.
 * 3. A Content-Security-Policy with a fresh nonce per request. Next.js reads the nonce from the
 *    request's CSP header and puts it on its own inline scripts; any other script, injected or
 *    not, does not run. Nonces need dynamic rendering: the root layout is dynamic for that.
 *
 * The headers that never vary (nosniff, frame and referrer policies, Permissions-Policy) are set
 * for every response, static files included, in next.config.ts. HSTS belongs to the TLS proxy
 * in front of the site (docs/security-headers.md).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  if (!decodesCleanly(request.nextUrl.pathname)) return badPath(request.nextUrl.pathname);
  const isAction = request.method === "POST" && request.headers.has("next-action");
  const isAuth = request.method === "POST" && request.nextUrl.pathname.startsWith("/api/auth/");
  if ((isAction || isAuth) && !(await bodyDecodes(request, isAction ? "action" : "auth"))) {
    return new NextResponse("The request body is not a valid form submission.\n", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }

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
  // The upload endpoint is left out: with a proxy, Next.js buffers each request body (up to
  // 10 MB) for it, and uploads of models up to 300 MB must stream with constant memory.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/submissions$).*)" }],
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

/**
 * Whether the body is what the receiver can decode.
 * - next-auth parses a JSON body (and URL-encoded fields; it ignores other types).
 * - Server actions: a complete multipart form carrying React's argument list in field "0" (how
 *   React sends a form action), or a JSON array (actions called with values, e.g. sign-up's object).
 */
async function bodyDecodes(request: NextRequest, receiver: "action" | "auth"): Promise<boolean> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  try {
    if (receiver === "auth") {
      if (type.includes("application/json")) JSON.parse(await request.clone().text());
      return true;
    }
    if (type.startsWith("multipart/form-data")) {
      // The boundary is case-sensitive: read it from the header as sent, not the lower-cased type.
      const boundary = /boundary=("?)([^";]+)\1/i.exec(request.headers.get("content-type") ?? "")?.[2];
      const text = await request.clone().text();
      // undici parses some truncated forms that busboy (Next.js's parser) refuses.
      if (!boundary || !text.trimEnd().endsWith(`--${boundary}--`)) return false;
      const args = (await request.clone().formData()).get("0");
      return typeof args === "string" && Array.isArray(JSON.parse(args));
    }
    return Array.isArray(JSON.parse(await request.clone().text()));
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
