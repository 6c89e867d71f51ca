import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // e2e and `make web` run several dev servers side by side in one checkout
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default config;
