import { canonicalJson } from "./hash";
import type { Graph, GraphEdge, GraphNode, Group, JsonValue, Layout, NodeId, NodeLayout, Subgraph, WorkflowDocument } from "./model";

/**
 * Semantic diff between two graphs or documents. It looks at exactly what
 * the hash covers (node type, widgets, mode, title, controls; edges by their
 * ends, not their ids), so `diffGraphs(a, b)` is empty exactly when
 * `hashGraph(a) === hashGraph(b)`. Layout changes are reported apart by
 * `diffDocuments`.
 */

/** Before/after of one value; a side is undefined when the value is absent there. */
export interface ValueChange<T> {
  before: T | undefined;
  after: T | undefined;
}

/** One changed widget or control, by input name. */
export interface InputChange<T> extends ValueChange<T> {
  input: string;
}

/** What changed on a node present in both graphs. */
export interface NodeChange {
  nodeId: NodeId;
  type?: ValueChange<string>;
  mode?: ValueChange<GraphNode["mode"]>;
  title?: ValueChange<string>;
  /** Widget value changes, sorted by input name. */
  widgets: InputChange<JsonValue>[];
  /** control_after_generate changes, sorted by input name. */
  controls: InputChange<string>[];
}

/** An edge by its ends (edge ids are not semantic). */
export interface EdgeEnds {
  source: NodeId;
  sourceSlot: number;
  target: NodeId;
  targetInput: string;
}

/** Semantic differences between two graphs. */
export interface GraphDiff {
  nodesAdded: GraphNode[];
  nodesRemoved: GraphNode[];
  nodesChanged: NodeChange[];
  edgesAdded: EdgeEnds[];
  edgesRemoved: EdgeEnds[];
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  // Primitives that are not === differ, except 0 and -0, which the canonical form (and JSON) makes equal.
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

function diffRecords<T extends JsonValue>(
  before: Record<string, T> | undefined,
  after: Record<string, T> | undefined,
): InputChange<T>[] {
  const changes: InputChange<T>[] = [];
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const input of [...names].sort()) {
    const b = before && Object.hasOwn(before, input) ? before[input] : undefined;
    const a = after && Object.hasOwn(after, input) ? after[input] : undefined;
    if (!sameJson(b, a)) changes.push({ input, before: b, after: a });
  }
  return changes;
}

function diffNode(a: GraphNode, b: GraphNode): NodeChange | undefined {
  const change: NodeChange = { nodeId: a.id, widgets: diffRecords(a.widgets, b.widgets), controls: diffRecords(a.controls, b.controls) };
  if (a.type !== b.type) change.type = { before: a.type, after: b.type };
  if (a.mode !== b.mode) change.mode = { before: a.mode, after: b.mode };
  if (a.title !== b.title) change.title = { before: a.title, after: b.title };
  const changed = change.type || change.mode || change.title || change.widgets.length > 0 || change.controls.length > 0;
  return changed ? change : undefined;
}

function edgeKey(e: EdgeEnds): string {
  return `${e.target}\u0000${e.targetInput}\u0000${e.source}\u0000${e.sourceSlot}`;
}

function ends(e: GraphEdge): EdgeEnds {
  return { source: e.source, sourceSlot: e.sourceSlot, target: e.target, targetInput: e.targetInput };
}

/** Edges of `from` not matched by an edge of `other` with the same ends (as multisets: two identical edges need two matches). */
function unmatchedEdges(from: readonly GraphEdge[], other: readonly GraphEdge[]): EdgeEnds[] {
  const counts = new Map<string, number>();
  for (const e of other) {
    const key = edgeKey(e);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const result: EdgeEnds[] = [];
  for (const e of from) {
    const key = edgeKey(e);
    const left = counts.get(key) ?? 0;
    if (left > 0) counts.set(key, left - 1);
    else result.push(ends(e));
  }
  return result;
}

/** Compares two graphs semantically: nodes by id, edges by their ends. */
export function diffGraphs(a: Graph, b: Graph): GraphDiff {
  const before = new Map(a.nodes.map((n) => [n.id as string, n]));
  const after = new Map(b.nodes.map((n) => [n.id as string, n]));
  const diff: GraphDiff = { nodesAdded: [], nodesRemoved: [], nodesChanged: [], edgesAdded: [], edgesRemoved: [] };
  for (const node of a.nodes) {
    const other = after.get(node.id);
    if (!other) diff.nodesRemoved.push(node);
    else {
      const change = diffNode(node, other);
      if (change) diff.nodesChanged.push(change);
    }
  }
  for (const node of b.nodes) if (!before.has(node.id)) diff.nodesAdded.push(node);
  diff.edgesRemoved = unmatchedEdges(a.edges, b.edges);
  diff.edgesAdded = unmatchedEdges(b.edges, a.edges);
  return diff;
}

/** True when a graph diff has no changes. */
export function isEmptyGraphDiff(diff: GraphDiff): boolean {
  return (
    diff.nodesAdded.length === 0 &&
    diff.nodesRemoved.length === 0 &&
    diff.nodesChanged.length === 0 &&
    diff.edgesAdded.length === 0 &&
    diff.edgesRemoved.length === 0
  );
}

/** A node's canvas box before/after (a side is undefined when the node had no layout entry there). */
export interface NodeLayoutChange {
  nodeId: NodeId;
  before: NodeLayout | undefined;
  after: NodeLayout | undefined;
}

/** Canvas-only differences: never change the hash or what runs. */
export interface LayoutDiff {
  nodesMoved: NodeLayoutChange[];
  nodesResized: NodeLayoutChange[];
  /** Collapsed state, colours or draw order. */
  nodesRestyled: NodeLayoutChange[];
  groupsAdded: Group[];
  groupsRemoved: Group[];
  groupsChanged: { before: Group; after: Group }[];
  viewportChanged: boolean;
  /** Format-specific layout data (native reroute points, link extensions, …). */
  extraChanged: boolean;
}

/** Changes to one subgraph definition present in both documents. */
export interface SubgraphChange {
  id: string;
  name?: ValueChange<string>;
  /** Inputs or outputs (names, types or order) differ. */
  portsChanged: boolean;
  graph: GraphDiff;
}

/** Differences between two workflow documents: semantic (graph, subgraphs) and layout, reported apart. */
export interface DocumentDiff {
  graph: GraphDiff;
  subgraphsAdded: string[];
  subgraphsRemoved: string[];
  subgraphsChanged: SubgraphChange[];
  layout: LayoutDiff;
  /** Metadata keys whose values differ (name, description, tags, …); never semantic. */
  metadataChanged: string[];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function diffLayout(a: Layout, b: Layout, presentInBoth: (id: string) => boolean): LayoutDiff {
  const diff: LayoutDiff = {
    nodesMoved: [],
    nodesResized: [],
    nodesRestyled: [],
    groupsAdded: [],
    groupsRemoved: [],
    groupsChanged: [],
    viewportChanged: !sameValue(a.viewport, b.viewport),
    extraChanged: !sameValue(a.extra, b.extra),
  };
  const ids = new Set([...Object.keys(a.nodes), ...Object.keys(b.nodes)]);
  for (const id of [...ids].sort()) {
    // A node added or removed is a semantic change; its box is part of that, not a move.
    if (!presentInBoth(id)) continue;
    const before = Object.hasOwn(a.nodes, id) ? a.nodes[id] : undefined;
    const after = Object.hasOwn(b.nodes, id) ? b.nodes[id] : undefined;
    const change = { nodeId: id as NodeId, before, after };
    if (before?.x !== after?.x || before?.y !== after?.y) diff.nodesMoved.push(change);
    if (before?.width !== after?.width || before?.height !== after?.height) diff.nodesResized.push(change);
    if (
      before?.collapsed !== after?.collapsed ||
      before?.color !== after?.color ||
      before?.bgcolor !== after?.bgcolor ||
      before?.order !== after?.order
    ) {
      diff.nodesRestyled.push(change);
    }
  }
  const groupsBefore = new Map(a.groups.map((g) => [g.id, g]));
  const groupsAfter = new Map(b.groups.map((g) => [g.id, g]));
  for (const g of a.groups) {
    const other = groupsAfter.get(g.id);
    if (!other) diff.groupsRemoved.push(g);
    else if (!sameValue(g, other)) diff.groupsChanged.push({ before: g, after: other });
  }
  for (const g of b.groups) if (!groupsBefore.has(g.id)) diff.groupsAdded.push(g);
  return diff;
}

/** True when a layout diff has no changes. */
export function isEmptyLayoutDiff(diff: LayoutDiff): boolean {
  return (
    diff.nodesMoved.length === 0 &&
    diff.nodesResized.length === 0 &&
    diff.nodesRestyled.length === 0 &&
    diff.groupsAdded.length === 0 &&
    diff.groupsRemoved.length === 0 &&
    diff.groupsChanged.length === 0 &&
    !diff.viewportChanged &&
    !diff.extraChanged
  );
}

function samePorts(a: Subgraph["inputs"], b: Subgraph["inputs"]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.type === b[i]!.type);
}

/** Compares two documents: the semantic graph and subgraph definitions, then layout and metadata apart. */
export function diffDocuments(a: WorkflowDocument, b: WorkflowDocument): DocumentDiff {
  const graph = diffGraphs(a.graph, b.graph);
  const idsBefore = new Set(a.graph.nodes.map((n) => n.id as string));
  const idsAfter = new Set(b.graph.nodes.map((n) => n.id as string));
  const subsBefore = new Map((a.subgraphs ?? []).map((s) => [s.id, s]));
  const subsAfter = new Map((b.subgraphs ?? []).map((s) => [s.id, s]));
  const subgraphsChanged: SubgraphChange[] = [];
  for (const [id, sa] of subsBefore) {
    const sb = subsAfter.get(id);
    if (!sb) continue;
    const change: SubgraphChange = {
      id,
      portsChanged: !samePorts(sa.inputs, sb.inputs) || !samePorts(sa.outputs, sb.outputs),
      graph: diffGraphs(sa.graph, sb.graph),
    };
    if (sa.name !== sb.name) change.name = { before: sa.name, after: sb.name };
    if (change.name || change.portsChanged || !isEmptyGraphDiff(change.graph)) subgraphsChanged.push(change);
  }
  const metaKeys = new Set([...Object.keys(a.metadata), ...Object.keys(b.metadata)]);
  return {
    graph,
    subgraphsAdded: [...subsAfter.keys()].filter((id) => !subsBefore.has(id)).sort(),
    subgraphsRemoved: [...subsBefore.keys()].filter((id) => !subsAfter.has(id)).sort(),
    subgraphsChanged,
    layout: diffLayout(a.layout, b.layout, (id) => idsBefore.has(id) && idsAfter.has(id)),
    metadataChanged: [...metaKeys]
      .filter((k) => !sameValue((a.metadata as Record<string, unknown>)[k], (b.metadata as Record<string, unknown>)[k]))
      .sort(),
  };
}

/** True when nothing that runs changed: same graph and subgraph definitions (hashes equal). */
export function isSemanticallyEqual(diff: DocumentDiff): boolean {
  return (
    isEmptyGraphDiff(diff.graph) &&
    diff.subgraphsAdded.length === 0 &&
    diff.subgraphsRemoved.length === 0 &&
    diff.subgraphsChanged.length === 0
  );
}

/** True when the documents differ only in layout: nothing that runs changed, but something on the canvas did. */
export function isLayoutOnly(diff: DocumentDiff): boolean {
  return isSemanticallyEqual(diff) && !isEmptyLayoutDiff(diff.layout);
}
