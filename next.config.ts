import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // The custom server (server/main.ts) owns /api/trpc; Next only renders pages.
  serverExternalPackages: ["better-sqlite3"],
  typedRoutes: false,
};

export default config;
