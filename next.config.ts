import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // The custom server (server/main.ts) owns /api/trpc; Next only renders pages.
  serverExternalPackages: ["better-sqlite3"],
  typedRoutes: false,
  // `npm run check` runs tsc over the whole repository (CI runs it before the
  // tests), so the build does not type-check a second time.
  typescript: { ignoreBuildErrors: true },
};

export default config;
