import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and the generated Prisma clients stay outside the bundle.
  serverExternalPackages: [
    "better-sqlite3",
    "sharp",
    "pg",
    "@prisma/client",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "@node-rs/argon2",
    "onnxruntime-node",
  ],
  poweredByHeader: false,
  // The build type-checks the app and lib/ only; `npm test` runs tsc over everything (tests, benches, scripts).
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // A second output folder lets a `next dev` (NEXT_DIST_DIR=.next-dev) run beside `npm start`'s build.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The dev overlay and telemetry must never reach the network on these machines.
  devIndicators: false,
  // Fixed security headers on every response, static files and API routes included. The
  // Content-Security-Policy varies per request (its script nonce) and is set in proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export const SECURITY_HEADERS = [
  // Browsers must not guess a type: an uploaded CSV or a JSON answer is never run as script.
  { key: "X-Content-Type-Options", value: "nosniff" },
  // No framing (clickjacking): the CSP's frame-ancestors 'none', and this for older browsers.
  { key: "X-Frame-Options", value: "DENY" },
  // Other sites learn only the origin, never a submission id or a query from the path.
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // The site uses none of these; a script that got in cannot either.
  {
    key: "Permissions-Policy",
    value:
      "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()",
  },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

export default nextConfig;
