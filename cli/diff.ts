import { hashDocument } from "@/lib/graph/hash";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { GraphNode, WorkflowDocument } from "@/lib/graph/model";
import type { CliContext } from "./main";

/**
 * `atelier diff`: a node/edge/widget level comparison of two documents'
 * root graphs. Stand-in until lib/graph's semantic diff lands; the command
 * then switches to it.
 */

interface Helpers {
  needFiles: (ctx: CliContext, count: number, command: string) => string[];
  catalogueFor: (ctx: CliContext) => Promise<{ catalogue: NodeCatalogue }>;
  loadDocument: (path: string, catalogue: NodeCatalogue) => Promise<{ document: WorkflowDocument }>;
}

interface NodeChange {
  id: string;
  type: string;
  changes: string[];
}

function describeNode(a: GraphNode, b: GraphNode): string[] {
  const changes: string[] = [];
  if (a.type !== b.type) changes.push(`type ${a.type} → ${b.type}`);
  if (a.mode !== b.mode) changes.push(`mode ${a.mode} → ${b.mode}`);
  if (a.title !== b.title) changes.push(`title ${JSON.stringify(a.title ?? null)} → ${JSON.stringify(b.title ?? null)}`);
  for (const name of new Set([...Object.keys(a.widgets), ...Object.keys(b.widgets)])) {
    const x = JSON.stringify(a.widgets[name]);
    const y = JSON.stringify(b.widgets[name]);
    if (x !== y) changes.push(`${name}: ${x ?? "(none)"} → ${y ?? "(none)"}`);
  }
  for (const name of new Set([...Object.keys(a.controls ?? {}), ...Object.keys(b.controls ?? {})])) {
    const x = a.controls?.[name] ?? "fixed";
    const y = b.controls?.[name] ?? "fixed";
    if (x !== y) changes.push(`${name} control_after_generate: ${x} → ${y}`);
  }
  return changes;
}

/** Runs `atelier diff <a> <b>`: exit 0 when both have the same semantic hash, 1 when they differ. */
export async function diffCommand(ctx: CliContext, helpers: Helpers): Promise<number> {
  const [fileA, fileB] = helpers.needFiles(ctx, 2, "diff");
  const { catalogue } = await helpers.catalogueFor(ctx);
  const a = (await helpers.loadDocument(fileA!, catalogue)).document;
  const b = (await helpers.loadDocument(fileB!, catalogue)).document;
  const same = hashDocument(a) === hashDocument(b);
  const nodesA = new Map(a.graph.nodes.map((n) => [n.id as string, n]));
  const nodesB = new Map(b.graph.nodes.map((n) => [n.id as string, n]));
  const added = b.graph.nodes.filter((n) => !nodesA.has(n.id)).map((n) => ({ id: n.id as string, type: n.type }));
  const removed = a.graph.nodes.filter((n) => !nodesB.has(n.id)).map((n) => ({ id: n.id as string, type: n.type }));
  const changed: NodeChange[] = [];
  for (const node of a.graph.nodes) {
    const other = nodesB.get(node.id);
    if (!other) continue;
    const changes = describeNode(node, other);
    if (changes.length > 0) changed.push({ id: node.id, type: other.type, changes });
  }
  const edgeKey = (e: WorkflowDocument["graph"]["edges"][number]) => `${e.source}:${e.sourceSlot} → ${e.target}.${e.targetInput}`;
  const edgesA = new Set(a.graph.edges.map(edgeKey));
  const edgesB = new Set(b.graph.edges.map(edgeKey));
  const edgesAdded = [...edgesB].filter((k) => !edgesA.has(k));
  const edgesRemoved = [...edgesA].filter((k) => !edgesB.has(k));
  if (ctx.json) {
    ctx.io.out(JSON.stringify({ same, nodes: { added, removed, changed }, edges: { added: edgesAdded, removed: edgesRemoved } }, null, 2) + "\n");
  } else if (same) {
    ctx.io.out(`${fileA} and ${fileB} are the same graph.\n`);
  } else {
    const lines: string[] = [];
    for (const n of added) lines.push(`+ node ${n.id} (${n.type})`);
    for (const n of removed) lines.push(`- node ${n.id} (${n.type})`);
    for (const n of changed) for (const c of n.changes) lines.push(`~ node ${n.id} (${n.type}) ${c}`);
    for (const e of edgesAdded) lines.push(`+ link ${e}`);
    for (const e of edgesRemoved) lines.push(`- link ${e}`);
    if (lines.length === 0) lines.push("~ subgraph definitions differ");
    ctx.io.out(lines.join("\n") + "\n");
  }
  return same ? 0 : 1;
}
