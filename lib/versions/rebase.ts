import { canonicalJson } from "@/lib/graph/hash";
import { diffGraphs, type EdgeEnds, type NodeChange } from "@/lib/graph/diff";
import type { GraphEdge, GraphNode, JsonValue, WorkflowDocument } from "@/lib/graph/model";

/**
 * Three-way merge of workflow documents: replays the changes "mine" made
 * since "base" on top of "head" (what someone else saved meanwhile). Changes
 * that touch different nodes, or different inputs of one node, merge; the
 * same input (or node) changed differently on both sides is a conflict.
 */

/** Why a change of mine could not be replayed on the head. */
export type RebaseConflictKind =
  | "input_changed_on_both"
  | "property_changed_on_both"
  | "node_added_on_both"
  | "node_removed_there_changed_here"
  | "node_changed_there_removed_here"
  | "input_linked_on_both"
  | "edge_end_missing"
  | "subgraphs_changed_on_both";

/** One conflict, naming the node and input where it sits. */
export interface RebaseConflict {
  kind: RebaseConflictKind;
  nodeId?: string;
  /** Widget input, "type"/"mode"/"title", or the linked input name. */
  input?: string;
  theirs?: JsonValue;
  mine?: JsonValue;
  message: string;
}

export type RebaseResult = { ok: true; document: WorkflowDocument } | { ok: false; conflicts: RebaseConflict[] };

function same(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b));
}

function applyNodeChange(node: GraphNode, change: NodeChange, theirs: NodeChange | undefined, conflicts: RebaseConflict[]): GraphNode {
  const next: GraphNode = { ...node, widgets: { ...node.widgets }, controls: node.controls ? { ...node.controls } : undefined };
  for (const w of change.widgets) {
    const other = theirs?.widgets.find((x) => x.input === w.input);
    if (other && !same(other.after, w.after)) {
      conflicts.push({
        kind: "input_changed_on_both",
        nodeId: change.nodeId,
        input: w.input,
        theirs: other.after ?? null,
        mine: w.after ?? null,
        message: `Node #${change.nodeId} input "${w.input}": the saved version set ${JSON.stringify(other.after ?? null)}, you set ${JSON.stringify(w.after ?? null)}.`,
      });
      continue;
    }
    if (w.after === undefined) delete next.widgets[w.input];
    else next.widgets[w.input] = w.after;
  }
  for (const c of change.controls) {
    const other = theirs?.controls.find((x) => x.input === c.input);
    if (other && other.after !== c.after) {
      conflicts.push({
        kind: "input_changed_on_both",
        nodeId: change.nodeId,
        input: `${c.input} (control after generate)`,
        theirs: other.after ?? null,
        mine: c.after ?? null,
        message: `Node #${change.nodeId} "${c.input}" control after generate: the saved version set ${other.after ?? "none"}, you set ${c.after ?? "none"}.`,
      });
      continue;
    }
    const controls = { ...(next.controls ?? {}) };
    if (c.after === undefined) delete controls[c.input];
    else controls[c.input] = c.after as NonNullable<GraphNode["controls"]>[string];
    next.controls = Object.keys(controls).length > 0 ? controls : undefined;
  }
  if (next.controls === undefined) delete next.controls;
  for (const prop of ["type", "mode", "title"] as const) {
    const mine = change[prop];
    if (!mine) continue;
    const other = theirs?.[prop];
    if (other && other.after !== mine.after) {
      conflicts.push({
        kind: "property_changed_on_both",
        nodeId: change.nodeId,
        input: prop,
        theirs: other.after ?? null,
        mine: mine.after ?? null,
        message: `Node #${change.nodeId} ${prop}: the saved version set ${JSON.stringify(other.after ?? null)}, you set ${JSON.stringify(mine.after ?? null)}.`,
      });
      continue;
    }
    if (prop === "title") {
      if (mine.after === undefined) delete next.title;
      else next.title = mine.after as string;
    } else if (prop === "type") next.type = mine.after as string;
    else next.mode = mine.after as GraphNode["mode"];
  }
  return next;
}

function edgeMatches(e: GraphEdge, ends: EdgeEnds): boolean {
  return e.source === ends.source && e.sourceSlot === ends.sourceSlot && e.target === ends.target && e.targetInput === ends.targetInput;
}

/**
 * Replays the changes from `base` to `mine` on `head`.
 * @returns the merged document, or every conflict (node id and input) when some change cannot be replayed.
 */
export function rebaseDocument(base: WorkflowDocument, head: WorkflowDocument, mine: WorkflowDocument): RebaseResult {
  const conflicts: RebaseConflict[] = [];
  const ours = diffGraphs(base.graph, mine.graph);
  const theirs = diffGraphs(base.graph, head.graph);
  const theirChanges = new Map(theirs.nodesChanged.map((c) => [c.nodeId as string, c]));

  const nodes = new Map(head.graph.nodes.map((n) => [n.id as string, n]));
  const layoutNodes = { ...head.layout.nodes };

  for (const change of ours.nodesChanged) {
    const node = nodes.get(change.nodeId);
    if (!node) {
      conflicts.push({
        kind: "node_removed_there_changed_here",
        nodeId: change.nodeId,
        message: `Node #${change.nodeId} was removed in the saved version, but you changed it.`,
      });
      continue;
    }
    nodes.set(change.nodeId, applyNodeChange(node, change, theirChanges.get(change.nodeId), conflicts));
  }
  for (const removed of ours.nodesRemoved) {
    if (theirChanges.has(removed.id)) {
      conflicts.push({
        kind: "node_changed_there_removed_here",
        nodeId: removed.id,
        message: `Node #${removed.id} (${removed.type}) was changed in the saved version, but you removed it.`,
      });
      continue;
    }
    nodes.delete(removed.id);
    delete layoutNodes[removed.id];
  }
  for (const added of ours.nodesAdded) {
    const existing = nodes.get(added.id);
    if (existing && !same(existing, added)) {
      conflicts.push({
        kind: "node_added_on_both",
        nodeId: added.id,
        message: `Node #${added.id} was added both in the saved version (${existing.type}) and by you (${added.type}).`,
      });
      continue;
    }
    nodes.set(added.id, added);
    const box = mine.layout.nodes[added.id];
    if (box) layoutNodes[added.id] = box;
  }

  let edges = head.graph.edges.filter((e) => nodes.has(e.source) && nodes.has(e.target));
  for (const removed of ours.edgesRemoved) {
    const i = edges.findIndex((e) => edgeMatches(e, removed));
    if (i >= 0) edges = [...edges.slice(0, i), ...edges.slice(i + 1)];
  }
  const mineEdges = mine.graph.edges;
  for (const added of ours.edgesAdded) {
    if (!nodes.has(added.source) || !nodes.has(added.target)) {
      conflicts.push({
        kind: "edge_end_missing",
        nodeId: nodes.has(added.target) ? added.source : added.target,
        input: added.targetInput,
        message: `Your link #${added.source}[${added.sourceSlot}] → #${added.target}.${added.targetInput} has an end that the saved version removed.`,
      });
      continue;
    }
    // An input takes one link: if the head already feeds it from elsewhere (and I did not unlink that), both sides linked it.
    const occupying = edges.find((e) => e.target === added.target && e.targetInput === added.targetInput);
    if (occupying && !edgeMatches(occupying, added)) {
      const baseHad = base.graph.edges.some((e) => edgeMatches(e, occupying));
      if (!baseHad) {
        conflicts.push({
          kind: "input_linked_on_both",
          nodeId: added.target,
          input: added.targetInput,
          message: `Node #${added.target} input "${added.targetInput}" was linked from #${occupying.source} in the saved version and from #${added.source} by you.`,
        });
        continue;
      }
      edges = edges.filter((e) => e !== occupying);
    }
    if (occupying && edgeMatches(occupying, added)) continue;
    const original = mineEdges.find((e) => edgeMatches(e, added));
    edges.push(original ?? { id: `${added.source}:${added.sourceSlot}->${added.target}.${added.targetInput}` as GraphEdge["id"], ...added });
  }

  for (const id of Object.keys(mine.layout.nodes)) {
    if (!nodes.has(id)) continue;
    if (!same(base.layout.nodes[id], mine.layout.nodes[id])) layoutNodes[id] = mine.layout.nodes[id]!;
  }

  let subgraphs = head.subgraphs;
  if (!same(base.subgraphs ?? [], mine.subgraphs ?? [])) {
    if (!same(base.subgraphs ?? [], head.subgraphs ?? []) && !same(head.subgraphs ?? [], mine.subgraphs ?? [])) {
      conflicts.push({ kind: "subgraphs_changed_on_both", message: "Subgraph definitions were changed both in the saved version and by you." });
    } else subgraphs = mine.subgraphs;
  }

  if (conflicts.length > 0) return { ok: false, conflicts };
  const order = [...head.graph.nodes.map((n) => n.id as string), ...mine.graph.nodes.map((n) => n.id as string)];
  const seen = new Set<string>();
  const orderedNodes: GraphNode[] = [];
  for (const id of order) {
    const n = nodes.get(id);
    if (n && !seen.has(id)) {
      seen.add(id);
      orderedNodes.push(n);
    }
  }
  const document: WorkflowDocument = {
    ...head,
    graph: { nodes: orderedNodes, edges },
    layout: {
      ...head.layout,
      nodes: layoutNodes,
      groups: same(base.layout.groups, mine.layout.groups) ? head.layout.groups : mine.layout.groups,
      viewport: mine.layout.viewport,
    },
    metadata: same(base.metadata, mine.metadata) ? head.metadata : mine.metadata,
  };
  if (subgraphs === undefined) delete document.subgraphs;
  else document.subgraphs = subgraphs;
  return { ok: true, document };
}
