import { diffDocuments, isEmptyLayoutDiff, isSemanticallyEqual, type EdgeEnds, type GraphDiff } from "@/lib/graph/diff";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import type { CliContext } from "./main";

/** `atelier diff`: lib/graph's semantic document diff, printed for people or as JSON. */

interface Helpers {
  needFiles: (ctx: CliContext, count: number, command: string) => string[];
  catalogueFor: (ctx: CliContext) => Promise<{ catalogue: NodeCatalogue }>;
  loadDocument: (path: string, catalogue: NodeCatalogue) => Promise<{ document: WorkflowDocument }>;
}

const show = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value));
const link = (e: EdgeEnds) => `${e.source}:${e.sourceSlot} → ${e.target}.${e.targetInput}`;

function graphLines(diff: GraphDiff, where: string): string[] {
  const lines: string[] = [];
  for (const n of diff.nodesAdded) lines.push(`+ node ${n.id} (${n.type})${where}`);
  for (const n of diff.nodesRemoved) lines.push(`- node ${n.id} (${n.type})${where}`);
  for (const c of diff.nodesChanged) {
    const at = `~ node ${c.nodeId}${where}`;
    if (c.type) lines.push(`${at} type ${c.type.before} → ${c.type.after}`);
    if (c.mode) lines.push(`${at} mode ${c.mode.before} → ${c.mode.after}`);
    if (c.title) lines.push(`${at} title ${show(c.title.before)} → ${show(c.title.after)}`);
    for (const w of c.widgets) lines.push(`${at} ${w.input}: ${show(w.before)} → ${show(w.after)}`);
    for (const w of c.controls) lines.push(`${at} ${w.input} control_after_generate: ${w.before ?? "fixed"} → ${w.after ?? "fixed"}`);
  }
  for (const e of diff.edgesAdded) lines.push(`+ link ${link(e)}${where}`);
  for (const e of diff.edgesRemoved) lines.push(`- link ${link(e)}${where}`);
  return lines;
}

/** Runs `atelier diff <a> <b>`: exit 0 when both are the same graph (layout may differ), 1 when they differ. */
export async function diffCommand(ctx: CliContext, helpers: Helpers): Promise<number> {
  const [fileA, fileB] = helpers.needFiles(ctx, 2, "diff");
  const { catalogue } = await helpers.catalogueFor(ctx);
  const a = (await helpers.loadDocument(fileA!, catalogue)).document;
  const b = (await helpers.loadDocument(fileB!, catalogue)).document;
  const diff = diffDocuments(a, b);
  const same = isSemanticallyEqual(diff);
  if (ctx.json) {
    ctx.io.out(JSON.stringify({ same, diff }, null, 2) + "\n");
    return same ? 0 : 1;
  }
  const lines = graphLines(diff.graph, "");
  for (const id of diff.subgraphsAdded) lines.push(`+ subgraph ${id}`);
  for (const id of diff.subgraphsRemoved) lines.push(`- subgraph ${id}`);
  for (const s of diff.subgraphsChanged) {
    if (s.name) lines.push(`~ subgraph ${s.id} name ${show(s.name.before)} → ${show(s.name.after)}`);
    if (s.portsChanged) lines.push(`~ subgraph ${s.id} inputs or outputs changed`);
    lines.push(...graphLines(s.graph, ` in subgraph ${s.id}`));
  }
  if (same) {
    const layout = isEmptyLayoutDiff(diff.layout) ? "" : " (only the layout differs)";
    ctx.io.out(`${fileA} and ${fileB} are the same graph${layout}.\n`);
  } else {
    ctx.io.out(lines.join("\n") + "\n");
  }
  return same ? 0 : 1;
}
