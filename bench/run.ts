// Runs every bench/*.bench.ts in turn, each in its own process so one
// benchmark's warm JIT or leftover heap does not flatter the next.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dirname;
// The V8 settings `npm start` gives the server (package.json): the figures are for the code as it runs there. A
// 64 MB young generation holds a 50,000-node compile's ~13 MB prompt, which V8's default 16 MB does not.
const SERVER_V8_FLAGS = ["--max-semi-space-size=64"];
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

if (files.length === 0) {
  console.log("no benchmarks under bench/ match");
}
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const r = spawnSync(process.execPath, [...SERVER_V8_FLAGS, "--import", "tsx", join(dir, file)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.log(`${file} failed with exit code ${r.status}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
