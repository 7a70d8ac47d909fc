import type { NodeCatalogue, NodeDefinition } from "@/lib/graph/catalogue";
import type { GraphIssue } from "@/lib/graph/issues";
import type { GraphNode } from "@/lib/graph/model";
import { getNodeDefinition } from "@/lib/graph/node-def";

/**
 * Everything a node on the canvas draws from the document, handed to it as
 * React Flow `data`. A node reads nothing from the editor store itself: with
 * thousands of nodes, one store subscription per node (or five) is thousands
 * of selector calls on every edit and every frame of a drag. Here the editor
 * works out once per change which nodes actually changed, and only those get
 * a new object (and re-render).
 */
export type NodeView = {
  nodeId: string;
  node: GraphNode;
  def: NodeDefinition | undefined;
  issues: readonly GraphIssue[];
  linked: ReadonlySet<string> | undefined;
  collapsed: boolean;
};

const NO_ISSUES: readonly GraphIssue[] = Object.freeze([]);

function sameIssues(a: readonly GraphIssue[], b: readonly GraphIssue[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  // Validation makes new issue objects on every run: equal when they say the same thing about the same place.
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.kind !== y.kind || x.severity !== y.severity || x.message !== y.message) return false;
    if (("inputName" in x ? x.inputName : undefined) !== ("inputName" in y ? y.inputName : undefined)) return false;
  }
  return true;
}

function sameSet(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}

/** Keeps the last view of every node and returns the same object while nothing the node draws has changed. */
export class NodeViewCache {
  private readonly views = new Map<string, NodeView>();

  /** The view of one node: the previous object when node, definition, issues, linked inputs and collapsed state are unchanged. */
  get(
    node: GraphNode,
    catalogue: NodeCatalogue,
    issuesByNode: ReadonlyMap<string, GraphIssue[]>,
    linkedInputs: ReadonlyMap<string, ReadonlySet<string>>,
    collapsed: boolean,
  ): NodeView {
    const prev = this.views.get(node.id);
    const def = getNodeDefinition(catalogue, node.type);
    const issues = issuesByNode.get(node.id) ?? NO_ISSUES;
    const linked = linkedInputs.get(node.id);
    if (prev && prev.node === node && prev.def === def && prev.collapsed === collapsed && sameIssues(prev.issues, issues) && sameSet(prev.linked, linked)) return prev;
    const view: NodeView = { nodeId: node.id, node, def, issues, linked, collapsed };
    this.views.set(node.id, view);
    return view;
  }

  /** Forgets nodes no longer in the graph. */
  prune(keep: ReadonlyMap<string, unknown>): void {
    if (this.views.size <= keep.size) return;
    for (const id of this.views.keys()) if (!keep.has(id)) this.views.delete(id);
  }
}
