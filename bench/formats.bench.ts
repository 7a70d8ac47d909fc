// Import/export timings of lib/formats on generated UI workflows (KSampler-style
// nodes with positional widgets_values, array links) and on the corpus media.
//   npx tsx bench/formats.bench.ts [--runs 10]
// Prints median wall and CPU milliseconds; no assertions (tests do those).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exportUiWorkflow, importWorkflow, parseJsonText, readPngText, readWebpText } from "@/lib/formats";
import { compileToPrompt } from "@/lib/compile";
import { zNodeCatalogue } from "@/lib/graph";

const shared = join(import.meta.dirname, "../../shared");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "comfyui/object_info.json"), "utf8")));
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

/** A chain of ImageBlur nodes fed by EmptyImage and ending in SaveImage, as ComfyUI's frontend saves it. */
function uiChain(n: number): string {
  const nodes: unknown[] = [{ id: 1, type: "EmptyImage", pos: [0, 0], size: [300, 130], flags: {}, order: 0, mode: 0, outputs: [{ name: "IMAGE", type: "IMAGE", links: [1] }], properties: {}, widgets_values: [512, 512, 1, 0] }];
  const links: unknown[] = [];
  for (let i = 2; i <= n; i++) {
    const last = i === n;
    links.push([i - 1, i - 1, 0, i, 0, "IMAGE"]);
    nodes.push({
      id: i,
      type: last ? "SaveImage" : "ImageBlur",
      pos: [i * 350, 0],
      size: [300, 100],
      flags: {},
      order: i - 1,
      mode: i % 97 === 0 ? 4 : 0,
      inputs: [{ name: last ? "images" : "image", type: "IMAGE", link: i - 1 }],
      outputs: last ? [] : [{ name: "IMAGE", type: "IMAGE", links: [i] }],
      properties: { "Node name for S&R": last ? "SaveImage" : "ImageBlur" },
      widgets_values: last ? ["ComfyUI"] : [1, 1],
    });
  }
  return JSON.stringify({ last_node_id: n, last_link_id: n - 1, nodes, links, groups: [], config: {}, extra: { ds: { scale: 1, offset: [0, 0] } }, version: 0.4 });
}

function measure(fn: () => unknown): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    walls.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: med(walls), cpu: med(cpus) };
}

const row = (label: string, m: { wall: number; cpu: number }) => console.log(`${label.padEnd(44)} ${m.wall.toFixed(2).padStart(9)} ${m.cpu.toFixed(2).padStart(9)}`);
console.log(`median over ${runs} runs (ms)`.padEnd(44) + "      wall       cpu");
for (const n of [100, 1_000, 10_000, 100_000]) {
  const text = uiChain(n);
  row(`parse+import UI chain ${n} (${(text.length / 1e6).toFixed(1)} MB)`, measure(() => importWorkflow(text, { catalogue })));
  const imported = importWorkflow(text, { catalogue });
  if (!imported.ok) throw new Error(imported.error.message);
  row(`export UI chain ${n}`, measure(() => JSON.stringify(exportUiWorkflow(imported.document, catalogue))));
  row(`compile UI chain ${n} (every 97th bypassed)`, measure(() => compileToPrompt(imported.document, catalogue)));
}
const truncated = uiChain(10_000).slice(0, -1000);
row("locate syntax error in a truncated 2 MB file", measure(() => parseJsonText(truncated)));
const png = new Uint8Array(readFileSync(join(shared, "corpus/png/ComfyUI_examples__sdxl_sdxl_simple_example.png")));
row(`read PNG text chunks (${(png.length / 1e6).toFixed(1)} MB PNG)`, measure(() => readPngText(png)));
const webp = new Uint8Array(readFileSync(join(shared, "corpus/webp/ComfyUI_examples__mochi_mochi_simple_checkpoint.webp")));
row(`read WebP EXIF (${(webp.length / 1e6).toFixed(1)} MB WebP)`, measure(() => readWebpText(webp)));
