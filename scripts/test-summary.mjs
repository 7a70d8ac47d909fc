// Prints one closing line for the whole suite, "N passed, N failed", from the
// JSON reports of vitest and Playwright (.test-results/), so CI can read it.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

const vitest = ".test-results/vitest.json";
if (existsSync(vitest)) {
  const r = JSON.parse(readFileSync(vitest, "utf8"));
  passed += r.numPassedTests ?? 0;
  // A test file that fails to load has no failed tests but is a failure all the same.
  failed += (r.numFailedTests ?? 0) + (r.numFailedTests > 0 ? 0 : (r.numFailedTestSuites ?? 0));
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else missing.push("vitest");

const pw = ".test-results/playwright.json";
if (existsSync(pw)) {
  const s = JSON.parse(readFileSync(pw, "utf8")).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
} else missing.push("playwright");

if (missing.length > 0) console.log(`no report from: ${missing.join(", ")} (it did not run, or stopped before reporting)`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
