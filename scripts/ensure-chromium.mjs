// Makes sure Debian's Chromium is there for the Playwright tests: test tools
// cannot download their own browsers on our machines. As root it installs the
// package; otherwise it says which package to install.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot) {
  console.error(`Chromium is missing at ${path}. Install Debian's package "chromium" (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
console.log(`Chromium is missing at ${path}; installing Debian's "chromium" package…`);
const run = (args) => spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
if (run(["update", "-q"]).status !== 0 || run(["install", "-y", "-q", "chromium"]).status !== 0 || !existsSync(path)) {
  console.error(`Installing chromium failed; install it by hand (apt-get install -y chromium) and run the tests again.`);
  process.exit(1);
}
