// Validate / hash / compile timings on the benchmark graphs of
// ../shared/comfyui/gen_chain.mjs (the same script that produced the
// captured ComfyUI timings), converted with our API importer.
//   npx tsx bench/graph.bench.ts [--runs 30]
// Targets (sum of the three, median): ≤1 ms at the 1,000-node tree, ≤6 ms at
// 5,000, ≤12 ms at 10,000; chains as fast as trees; linear growth, which the
// "10k→50k" line of each shape shows (×5.0 is linear).
//
// Past ~10,000 nodes a graph no longer fits the CPU caches between runs (a
// bare loop over the 50,000 node objects costs 13-27× the 10,000 one here),
// and each compile's prompt (~260 bytes a node, ~13 MB at 50,000) outgrows
// V8's default 16 MB young generation, so every run pays a scavenge copying it
// and later an old-generation collection (compile's 10k→50k ratio ~10-16×).
// The server runs with --max-semi-space-size=64 (package.json `start`), and
// `npm run bench` runs every benchmark with the server's V8 flags
// (bench/run.ts): there the sum grows ×5.4-5.9 from 10k to 50k. Run alone
// with plain `npx tsx`, this file shows the default young generation's cost.
// The code avoids what allocation it can (see lib/graph/id-index.ts and the
// comments in validate and compile).
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { importApiPrompt } from "@/lib/formats";
import { BUNDLED_CATALOGUE, hashDocument, validateGraph, type WorkflowDocument } from "@/lib/graph";

type Compile = (doc: WorkflowDocument, catalogue: typeof BUNDLED_CATALOGUE) => unknown;

const generator = join(import.meta.dirname, "../../shared/comfyui/gen_chain.mjs");
const sizes = [100, 1_000, 5_000, 10_000, 50_000];
const shapes = ["tree", "chain"] as const;
const runsArg = process.argv.indexOf("--runs");
const baseRuns = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;

async function loadCompile(): Promise<Compile | undefined> {
  try {
    const mod = (await import("@/lib/compile")) as { compileToPrompt?: Compile };
    return mod.compileToPrompt;
  } catch {
    return undefined;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Warm-up before timing: V8 optimises a hot function on a background thread,
// which on a loaded 2-core machine can take longer than a handful of 0.2 ms
// runs, so a fixed 5 warm-up runs left the 1,000-node medians timing the
// unoptimised code (median 4x the fastest run). Warm up until both limits
// are reached, so every size is timed on optimised code.
const WARMUP_MIN_RUNS = 20;
const WARMUP_MIN_MS = 300;

/** Median and fastest run after warm-up; the machine is shared, so the fastest run shows what the code costs when nothing else competes. */
function time(fn: () => unknown, runs: number): { median: number; min: number; warmups: number } {
  let warmups = 0;
  const warmStart = performance.now();
  while (warmups < WARMUP_MIN_RUNS || performance.now() - warmStart < WARMUP_MIN_MS) {
    fn();
    warmups++;
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return { median: median(samples), min: Math.min(...samples), warmups };
}

function loadDocument(shape: string, size: number): WorkflowDocument {
  const json = execFileSync(process.execPath, [generator, shape, String(size)], { maxBuffer: 1 << 28, encoding: "utf8" });
  const result = importApiPrompt(JSON.parse(json));
  if (!result.ok) throw new Error(`import of ${shape} ${size} failed: ${result.error.message}`);
  return result.document;
}

const compile = await loadCompile();
// Other work on this shared machine moves the medians more than most code changes do: print the load with the figures.
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`load average at start: ${load()}; V8 flags: ${process.execArgv.filter((a) => a.startsWith("--max")).join(" ") || "defaults"}`);
const fmt = (ms: number | undefined) => (ms === undefined ? "-" : ms.toFixed(3)).padStart(9);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "-" : `×${(b / a).toFixed(1)}`).padStart(9);
console.log(
  `ms over ${baseRuns} timed runs after warm-up (≥${WARMUP_MIN_RUNS} runs and ≥${WARMUP_MIN_MS} ms per function; "warm-up" shows validate/hash/compile counts): median, and in brackets the fastest run; compile ${compile ? "from lib/compile" : "not available"}`,
);

interface Row {
  nodes: number;
  validate: number;
  hash: number;
  compile?: number;
  sum: number;
  /** The same, from the fastest runs. */
  fastest: { validate: number; hash: number; compile?: number; sum: number };
}

{
  console.log(
    `${"shape".padEnd(6)}${"nodes".padStart(7)}${"validate".padStart(10)}${"hash".padStart(9)}${"compile".padStart(9)}${"sum".padStart(9)}   ${"[validate".padStart(9)}${"hash".padStart(9)}${"compile".padStart(9)}${"sum]".padStart(9)}  ${"warm-up".padEnd(15)} issues`,
  );
  for (const shape of shapes) {
    const rows = new Map<number, Row>();
    for (const size of sizes) {
      const doc = loadDocument(shape, size);
      const issues = validateGraph(doc.graph, BUNDLED_CATALOGUE);
      const validate = time(() => validateGraph(doc.graph, BUNDLED_CATALOGUE), baseRuns);
      const hash = time(() => hashDocument(doc), baseRuns);
      const compiled = compile ? time(() => compile(doc, BUNDLED_CATALOGUE), baseRuns) : undefined;
      const sum = validate.median + hash.median + (compiled?.median ?? 0);
      const sumMin = validate.min + hash.min + (compiled?.min ?? 0);
      rows.set(size, {
        nodes: doc.graph.nodes.length,
        validate: validate.median,
        hash: hash.median,
        compile: compiled?.median,
        sum,
        fastest: { validate: validate.min, hash: hash.min, compile: compiled?.min, sum: sumMin },
      });
      const kinds = [...new Set(issues.map((i) => i.kind))].join(",") || "none";
      console.log(
        `${shape.padEnd(6)}${String(doc.graph.nodes.length).padStart(7)}${fmt(validate.median)}${fmt(hash.median)}${fmt(compiled?.median)}${fmt(sum)}   ${fmt(validate.min)}${fmt(hash.min)}${fmt(compiled?.min)}${fmt(sumMin)}  ${`${validate.warmups}/${hash.warmups}/${compiled?.warmups ?? "-"}`.padEnd(15)} ${kinds}`,
      );
    }
    const a = rows.get(10_000);
    const b = rows.get(50_000);
    if (a && b) {
      const f = (x: Row) => x.fastest;
      console.log(
        `${shape.padEnd(6)}${"10k→50k".padStart(7)}${ratio(a.validate, b.validate).padStart(10)}${ratio(a.hash, b.hash)}${ratio(a.compile, b.compile)}${ratio(a.sum, b.sum)}   ${ratio(f(a).validate, f(b).validate)}${ratio(f(a).hash, f(b).hash)}${ratio(f(a).compile, f(b).compile)}${ratio(f(a).sum, f(b).sum)}  nodes ×${(b.nodes / a.nodes).toFixed(1)}: ×5.0 is linear`,
      );
    }
  }
}
console.log(`\nload average at end: ${load()}`);
