import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and the generated Prisma clients stay outside the bundle.
  serverExternalPackages: ["better-sqlite3", "sharp", "pg", "@prisma/client", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "@node-rs/argon2", "onnxruntime-node"],
  poweredByHeader: false,
  // A second output folder lets a `next dev` (NEXT_DIST_DIR=.next-dev) run beside `npm start`'s build.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The dev overlay and telemetry must never reach the network on these machines.
  devIndicators: false,
  // `npm test` runs `tsc --noEmit` over the whole tree; repeating it inside every
  // `npm start` build would only make first starts slower.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
