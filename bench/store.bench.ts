// Version store timings: save a 1,000-node snapshot, list a history of
// 10,000 snapshots, diff (and rebase) two 1,000-node snapshots.
//   npx tsx bench/store.bench.ts [--runs 20]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffDocuments } from "@/lib/graph/diff";
import { asEdgeId, asNodeId, DOCUMENT_FORMAT, DOCUMENT_VERSION, type JsonValue, type WorkflowDocument } from "@/lib/graph/model";
import { createStarterDocument } from "@/lib/graph/starter";
import { rebaseDocument } from "@/lib/versions/rebase";
import { openDatabase } from "@/server/store/db";
import { createWorkflowRepository } from "@/server/store/workflows";

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time(fn: (i: number) => unknown, n = runs): { median: number; min: number } {
  for (let i = 0; i < Math.min(3, n); i++) fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  return { median: median(samples), min: Math.min(...samples) };
}

const fmt = (r: { median: number; min: number }) => `median ${r.median.toFixed(2)} ms, fastest ${r.min.toFixed(2)} ms`;

/** A 1,000-node graph shaped like real ones: samplers fed by loaders and prompts, with widgets and a layout. */
function bigDocument(nodes: number, variant: number): WorkflowDocument {
  const doc: WorkflowDocument = { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, graph: { nodes: [], edges: [] }, layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } }, metadata: { name: "big" } };
  for (let i = 1; i <= nodes; i++) {
    const id = String(i);
    const kind = i % 4;
    const type = kind === 1 ? "CheckpointLoaderSimple" : kind === 2 ? "CLIPTextEncode" : kind === 3 ? "KSampler" : "VAEDecode";
    const widgets: Record<string, JsonValue> =
      kind === 1
        ? { ckpt_name: "v1-5-pruned-emaonly.safetensors" }
        : kind === 2
          ? { text: `prompt ${i} a lighthouse on a cliff at dusk, oil painting` }
          : kind === 3
            ? { seed: i * 7919, steps: 20 + ((i + variant) % 3 === 0 && variant > 0 ? 1 : 0), cfg: 7, sampler_name: "euler", scheduler: "normal", denoise: 1 }
            : {};
    doc.graph.nodes.push({ id: asNodeId(id), type, mode: "active", widgets });
    if (i > 1) doc.graph.edges.push({ id: asEdgeId(`e${i}`), source: asNodeId(String(i - 1)), sourceSlot: 0, target: asNodeId(id), targetInput: "in" });
    doc.layout.nodes[id] = { x: (i % 40) * 340, y: Math.floor(i / 40) * 260, width: 315, height: 160 };
  }
  return doc;
}

const dir = mkdtempSync(join(tmpdir(), "atelier-bench-"));
try {
  const db = openDatabase(dir);
  const repo = createWorkflowRepository(db);

  const base = bigDocument(1_000, 0);
  console.log(`1,000-node document: ${(JSON.stringify(base).length / 1024).toFixed(0)} KB of JSON`);
  const wf = repo.create({ name: "big", document: base });
  let head = wf.head.id;
  const variants = Array.from({ length: runs + 3 }, (_, i) => {
    const d = bigDocument(1_000, 0);
    d.graph.nodes[2]!.widgets = { ...d.graph.nodes[2]!.widgets, steps: 100 + i };
    return d;
  });
  let k = 0;
  const save = time(() => {
    head = repo.save({ id: wf.id, baseVersionId: head, document: variants[k++]! }).version.id;
  });
  console.log(`save a 1,000-node snapshot (hash both ways, store, move head; one transaction): ${fmt(save)}`);
  const unchanged = time(() => repo.save({ id: wf.id, baseVersionId: head, document: variants[k - 1]! }));
  console.log(`save an unchanged 1,000-node snapshot (hash, nothing written): ${fmt(unchanged)}`);

  const small = createStarterDocument("history");
  const hist = repo.create({ name: "long history", document: small });
  let h = hist.head.id;
  const fill = performance.now();
  db.transaction(() => {
    for (let i = 1; i < 10_000; i++) {
      const d = { ...small, graph: { ...small.graph, nodes: small.graph.nodes.map((n) => (n.id === "3" ? { ...n, widgets: { ...n.widgets, steps: i } } : n)) } };
      h = repo.save({ id: hist.id, baseVersionId: h, document: d, message: `save ${i}` }).version.id;
    }
  })();
  console.log(`(filled 10,000 versions in ${(performance.now() - fill).toFixed(0)} ms)`);
  const firstPage = time(() => repo.history({ id: hist.id, limit: 50 }));
  console.log(`history of 10,000 snapshots, newest page of 50: ${fmt(firstPage)}`);
  const oldest = repo.history({ id: hist.id, limit: 500, before: 600 });
  const lastPage = time(() => repo.history({ id: hist.id, limit: 50, before: oldest.entries[oldest.entries.length - 1]!.id + 50 }));
  console.log(`history of 10,000 snapshots, oldest page of 50: ${fmt(lastPage)}`);
  const all = time(() => {
    let before: number | undefined;
    let n = 0;
    for (;;) {
      const page = repo.history({ id: hist.id, limit: 500, before });
      n += page.entries.length;
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    if (n !== 10_000) throw new Error(`listed ${n} versions, expected 10,000`);
  }, Math.max(3, Math.floor(runs / 4)));
  console.log(`history of 10,000 snapshots, all of it in pages of 500: ${fmt(all)}`);

  const a = bigDocument(1_000, 0);
  const b = bigDocument(1_000, 1);
  b.graph.nodes.splice(500, 1);
  b.graph.nodes.push({ id: asNodeId("5000"), type: "SaveImage", mode: "active", widgets: { filename_prefix: "x" } });
  const d = diffDocuments(a, b);
  const diff = time(() => diffDocuments(a, b));
  console.log(`diff two 1,000-node snapshots (${d.graph.nodesChanged.length} changed, 1 added, 1 removed): ${fmt(diff)}`);
  const c = bigDocument(1_000, 0);
  c.graph.nodes[10]!.widgets = { ...c.graph.nodes[10]!.widgets, text: "mine" };
  const rebase = time(() => rebaseDocument(a, b, c));
  console.log(`rebase one change onto a 1,000-node head that changed ${d.graph.nodesChanged.length} nodes: ${fmt(rebase)}`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
