import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and the generated Prisma clients stay outside the bundle.
  serverExternalPackages: ["better-sqlite3", "sharp", "pg", "@prisma/client", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // The dev overlay and telemetry must never reach the network on these machines.
  devIndicators: false,
  // `npm test` runs `tsc --noEmit` over the whole tree; repeating it inside every
  // `npm start` build would only make first starts slower.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
