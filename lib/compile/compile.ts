import type { NodeCatalogue, NodeDefinition } from "@/lib/graph/catalogue";
import type { Graph, GraphEdge, GraphNode, JsonValue, Subgraph, WorkflowDocument } from "@/lib/graph/model";
import { IdIndex } from "@/lib/graph/id-index";
import { SUBGRAPH_OUTPUT_NODE } from "@/lib/graph/model";
import { createRecord, setEntry } from "@/lib/graph/records";
import { getInput, getNodeDefinition, isVirtualNodeType, listInputs, listOutputs } from "@/lib/graph/node-def";
import type { ApiNode, ApiPrompt } from "@/lib/formats/api";
import { expandLegacyGroupNodes } from "./group-nodes";

/**
 * Compiles a workflow document into the API prompt ComfyUI's `POST /prompt`
 * takes, following ComfyUI's frontend (graphToPrompt and ExecutableNodeDTO):
 * muted nodes are dropped and links to them removed, bypassed nodes pass a
 * link through the first input of a matching type, Reroutes and
 * PrimitiveNodes resolve away, notes vanish, subgraphs flatten into
 * `outer:inner` ids. Every walk is iterative, so chains of any depth compile.
 */

/** Options of {@link compileToPrompt}. */
export interface CompileOptions {
  /** Partial execution: only these output node ids (execution ids, e.g. "9" or "5:3") and their ancestors. */
  outputs?: readonly string[];
}

/** What kind of thing the compiler met. */
export type CompileIssueCode =
  | "unknown-node-type"
  | "dangling-link"
  | "link-cycle"
  | "bypass-no-match"
  | "legacy-group-node"
  | "subgraph-cycle"
  | "unknown-output"
  | "text-replacement-skipped";

/**
 * Something the compiler met, naming the node (execution id) and input.
 * "error": the prompt will not run as the workflow means (unknown type, broken link, loop);
 * "warning": ComfyUI's frontend would do the same thing (an unconnected bypass, an unexpanded text replacement).
 */
export interface CompileIssue {
  code: CompileIssueCode;
  severity: "error" | "warning";
  message: string;
  nodeId: string;
  input?: string;
}

/** The compiled prompt and what the compiler met on the way. */
export interface CompileResult {
  prompt: ApiPrompt;
  issues: CompileIssue[];
}


/** One graph being compiled: the root, or one subgraph instance's copy of its definition. */
interface Scope {
  key: string;
  prefix: string[];
  graph: Graph;
  subgraph?: Subgraph;
  instanceId?: string;
  parent?: Scope;
  /** Set when an enclosing instance is muted or bypassed: nothing inside runs. */
  disabled: boolean;
  /** Node id → position in `graph.nodes`; the last node wins when an id repeats, as a record keyed by id would have it. */
  index: IdIndex;
  /** Whether some id repeats, so a node's position may not be the one its id resolves to. */
  repeatedIds: boolean;
  /** Whether any node is a PrimitiveNode, found while indexing so graphs without one skip a pass over their nodes. */
  hasPrimitives: boolean;
  /**
   * Incoming edges per node position, as linked lists in edge order:
   * inHead[position] → first edge, inNext[edge] → next edge (-1 ends).
   * Typed arrays rather than a record keyed by node id: such a record grows
   * its element store by copying, in V8's large-object space past ~16,000
   * entries, and is more heap for the GC to trace next to the prompt, which
   * on a 50,000-node graph already outgrows the young generation. Edges into
   * the subgraph output boundary (-20), which is not a node, sit at position
   * `graph.nodes.length`.
   */
  inHead: Int32Array;
  inNext: Int32Array;
  children: Map<string, Scope>;
}

type Resolved = { kind: "link"; id: string; slot: number } | { kind: "value"; value: JsonValue } | { kind: "none" };

function makeScope(graph: Graph, prefix: string[], extra: Partial<Scope>): Scope {
  const nodes = graph.nodes;
  const edges = graph.edges;
  const index = new IdIndex(nodes.length + 1);
  let repeatedIds = false;
  let hasPrimitives = false;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (index.set(node.id, i) >= 0) repeatedIds = true;
    if (node.type === "PrimitiveNode") hasPrimitives = true;
  }
  index.add(SUBGRAPH_OUTPUT_NODE, nodes.length);
  const inHead = new Int32Array(nodes.length + 1).fill(-1);
  const inNext = new Int32Array(edges.length).fill(-1);
  // Prepending while walking the edges backwards leaves every list in edge order.
  for (let e = edges.length - 1; e >= 0; e--) {
    const t = index.get(edges[e]!.target);
    if (t < 0) continue;
    inNext[e] = inHead[t]!;
    inHead[t] = e;
  }
  return { key: prefix.join(":"), prefix, graph, disabled: false, index, repeatedIds, hasPrimitives, inHead, inNext, children: new Map(), ...extra };
}

/** The node with this id in a scope, if any. */
function nodeById(scope: Scope, nodeId: string): GraphNode | undefined {
  const at = scope.index.get(nodeId);
  return at < 0 ? undefined : scope.graph.nodes[at];
}

/** The position whose edge list holds the edges into node `nodeId` (-1 when nothing can point at it). */
function edgeListOf(scope: Scope, nodeId: string): number {
  return scope.index.get(nodeId);
}

/**
 * The edge feeding one input, from the list at `at`: the last one when
 * several edges name the same input, as writing the prompt's inputs edge by
 * edge would leave it.
 */
function edgeIntoAt(scope: Scope, at: number, input: string): GraphEdge | undefined {
  const edges = scope.graph.edges;
  let found: GraphEdge | undefined;
  for (let e = at < 0 ? -1 : scope.inHead[at]!; e >= 0; e = scope.inNext[e]!) {
    const edge = edges[e]!;
    if (edge.targetInput === input) found = edge;
  }
  return found;
}

/** The edge feeding one input of a node, if any. */
function edgeInto(scope: Scope, nodeId: string, input: string): GraphEdge | undefined {
  return edgeIntoAt(scope, edgeListOf(scope, nodeId), input);
}

/** True when edge `e` is the first in its list to feed its input (later ones with the same input are its duplicates). */
function firstForInput(scope: Scope, at: number, e: number): boolean {
  const input = scope.graph.edges[e]!.targetInput;
  for (let k = scope.inHead[at]!; k !== e; k = scope.inNext[k]!) if (scope.graph.edges[k]!.targetInput === input) return false;
  return true;
}

/** A node's incoming edges, one per input (the last of several), in order of each input's first edge. */
function listInEdges(scope: Scope, nodeId: string): GraphEdge[] {
  const at = edgeListOf(scope, nodeId);
  const list: GraphEdge[] = [];
  for (let e = at < 0 ? -1 : scope.inHead[at]!; e >= 0; e = scope.inNext[e]!) {
    if (firstForInput(scope, at, e)) list.push(edgeIntoAt(scope, at, scope.graph.edges[e]!.targetInput)!);
  }
  return list;
}

const execId = (scope: Scope, nodeId: string) => (scope.prefix.length === 0 ? nodeId : `${scope.key}:${nodeId}`);

interface Slot {
  name: string;
  type: string;
}

/** The node's input slots as the frontend has them: the saved slot array when there is one, else the definition's link inputs. */
function inputSlots(node: GraphNode, catalogue: NodeCatalogue, subgraphs: Map<string, Subgraph>, scope: Scope): Slot[] {
  const ui = node.extra?.ui as { inputs?: unknown } | undefined;
  if (ui && Array.isArray(ui.inputs)) {
    return ui.inputs.map((s) => {
      // Saved slots come from files: a broken one still holds its index, as an unnamed wildcard.
      const slot = (typeof s === "object" && s !== null ? s : {}) as { name?: unknown; type?: unknown };
      return { name: typeof slot.name === "string" ? slot.name : "", type: typeof slot.type === "string" ? slot.type : "*" };
    });
  }
  const def = getNodeDefinition(catalogue, node.type);
  if (def) {
    const linked = new Set(listInEdges(scope, node.id).map((e) => e.targetInput));
    return listInputs(def)
      .filter((i) => i.kind === "link" || linked.has(i.name))
      .map((i) => ({ name: i.name, type: i.type }));
  }
  const sub = subgraphs.get(node.type);
  if (sub) return sub.inputs.map((p) => ({ name: p.name, type: p.type }));
  return listInEdges(scope, node.id).map((e) => ({ name: e.targetInput, type: e.type ?? "*" }));
}

function outputType(node: GraphNode, slot: number, catalogue: NodeCatalogue, subgraphs: Map<string, Subgraph>): string {
  const ui = node.extra?.ui as { outputs?: unknown } | undefined;
  if (ui && Array.isArray(ui.outputs)) {
    const t = (ui.outputs[slot] as { type?: unknown } | undefined)?.type;
    if (typeof t === "string") return t;
  }
  const def = getNodeDefinition(catalogue, node.type);
  if (def) return listOutputs(def)[slot]?.type ?? "*";
  return subgraphs.get(node.type)?.outputs[slot]?.type ?? "*";
}

/** LiteGraph's isValidConnection: "*", "" and missing types match anything; comma lists match on any shared member, case-insensitively. */
export function isValidConnection(a: string | undefined, b: string | undefined): boolean {
  if (!a || a === "*" || !b || b === "*" || a === b) return true;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (!la.includes(",") && !lb.includes(",")) return la === lb;
  const sb = new Set(lb.split(","));
  return la.split(",").some((t) => sb.has(t));
}

/** ExecutableNodeDTO's bypass rule: same slot index if types fit, else the first exact type match, else the first compatible input. */
function bypassInputIndex(inputs: readonly Slot[], outType: string, slot: number, type: string): number {
  if (type === "*" || type === "") return inputs.length > slot ? slot : 0;
  const opposite = inputs[slot];
  if (opposite && isValidConnection(opposite.type, outType) && isValidConnection(opposite.type, type)) return slot;
  const exact = inputs.findIndex((i) => i.type === type);
  if (exact !== -1) return exact;
  return inputs.findIndex((i) => isValidConnection(i.type, outType) && isValidConnection(i.type, type));
}

/** Answers about one node type at a time, for hot loops where neighbouring nodes share a type. */
class TypeMemo {
  private type: string | undefined;
  private plain = false;
  private def: NodeDefinition | undefined;

  constructor(
    private readonly catalogue: NodeCatalogue,
    private readonly subgraphs: ReadonlyMap<string, Subgraph>,
  ) {}

  private load(type: string): void {
    this.type = type;
    this.plain = !isVirtualNodeType(type) && !this.subgraphs.has(type);
    this.def = getNodeDefinition(this.catalogue, type);
  }

  /** True when nodes of this type go into the prompt as themselves (not virtual, not a subgraph instance). */
  isPlain(type: string): boolean {
    if (type !== this.type) this.load(type);
    return this.plain;
  }

  definition(type: string): NodeDefinition | undefined {
    if (type !== this.type) this.load(type);
    return this.def;
  }
}

/**
 * Compiles a document into an API prompt.
 * @returns the prompt and the issues met (unknown node types, dangling links, cycles, …); never throws on user data.
 */
export function compileToPrompt(source: WorkflowDocument, catalogue: NodeCatalogue, options: CompileOptions = {}): CompileResult {
  const issues: CompileIssue[] = [];
  const { doc, unexpanded } = expandLegacyGroupNodes(source, catalogue);
  const unexpandedIds = new Set(unexpanded);
  const subgraphs = new Map((doc.subgraphs ?? []).map((s) => [s.id, s]));
  const root = makeScope(doc.graph, [], {});

  // Flatten: every scope, depth first, without recursion.
  const scopes: Scope[] = [];
  const stack: Scope[] = [root];
  while (stack.length > 0) {
    const scope = stack.pop()!;
    scopes.push(scope);
    // Most documents have no subgraphs: skip a lookup per node.
    if (subgraphs.size === 0) continue;
    for (const node of scope.graph.nodes) {
      const sub = subgraphs.get(node.type);
      if (!sub) continue;
      let ancestor: Scope | undefined = scope;
      let cyclic = false;
      for (; ancestor; ancestor = ancestor.parent) if (ancestor.subgraph?.id === sub.id) cyclic = true;
      if (cyclic) {
        issues.push({ code: "subgraph-cycle", severity: "error", nodeId: execId(scope, node.id), message: `Node ${execId(scope, node.id)} is an instance of subgraph "${sub.name}" inside itself; it was not expanded.` });
        continue;
      }
      const child = makeScope(sub.graph, [...scope.prefix, node.id], {
        subgraph: sub,
        instanceId: node.id,
        parent: scope,
        disabled: scope.disabled || node.mode !== "active",
      });
      scope.children.set(node.id, child);
      stack.push(child);
    }
  }
  // Keep the document's order: root nodes first, then each scope as discovered.
  scopes.sort((a, b) => a.prefix.length - b.prefix.length);

  // Saved slot types per node, read once: a link's type only matters when it meets a bypassed node.
  const slotTypes = new WeakMap<GraphNode, Map<string, string>>();
  const inputTypeOf = (scope: Scope, node: GraphNode, input: string, edge?: GraphEdge): string => {
    const ui = node.extra?.ui as { inputs?: unknown } | undefined;
    if (ui && Array.isArray(ui.inputs)) {
      let types = slotTypes.get(node);
      if (!types) {
        types = new Map(inputSlots(node, catalogue, subgraphs, scope).map((s) => [s.name, s.type]));
        slotTypes.set(node, types);
      }
      const type = types.get(input);
      if (type !== undefined) return type;
    }
    const def = getNodeDefinition(catalogue, node.type);
    const type = def ? getInput(def, input)?.type : subgraphs.get(node.type)?.inputs.find((p) => p.name === input)?.type;
    return type ?? edge?.type ?? "*";
  };

  const linkType = (known: string | undefined, source: { scope: Scope; node: GraphNode; input: string; edge: GraphEdge } | undefined): string =>
    known ?? (source ? inputTypeOf(source.scope, source.node, source.input, source.edge) : "*");

  const resolve = (startScope: Scope, startNode: GraphNode, startInput: string): Resolved => {
    type State = { at: "input"; scope: Scope; node: GraphNode; input: string; type?: string } | { at: "output"; scope: Scope; nodeId: string; slot: number; type?: string };
    let state: State = { at: "input", scope: startScope, node: startNode, input: startInput };
    // Most links end at their first hop; the loop guard is only built for longer walks.
    let visited: Set<string> | undefined;
    let steps = 0;
    // Where the link's type comes from, computed only if a bypassed node needs it.
    let typeSource: { scope: Scope; node: GraphNode; input: string; edge: GraphEdge } | undefined;
    for (;;) {
      if (++steps > 2) {
        visited ??= new Set<string>();
        const key = state.at === "input" ? `${state.scope.key}|${state.node.id}|I|${state.input}` : `${state.scope.key}|${state.nodeId}|O|${state.slot}`;
        if (visited.has(key)) {
          const where = execId(startScope, startNode.id);
          issues.push({ code: "link-cycle", severity: "error", nodeId: where, input: startInput, message: `Input "${startInput}" of node ${where} leads into a loop of reroutes or bypassed nodes; it was left unconnected.` });
          return { kind: "none" };
        }
        visited.add(key);
      }
      if (state.at === "input") {
        const { scope, node, input }: { scope: Scope; node: GraphNode; input: string } = state;
        const edge: GraphEdge | undefined = edgeInto(scope, node.id, input);
        if (!edge) return { kind: "none" };
        if (edge.source === "-10" && scope.parent && scope.subgraph && scope.instanceId !== undefined) {
          const port: Subgraph["inputs"][number] | undefined = scope.subgraph.inputs[edge.sourceSlot];
          const instance: GraphNode | undefined = nodeById(scope.parent, scope.instanceId);
          if (!port || !instance) return { kind: "none" };
          const outer = edgeInto(scope.parent, instance.id, port.name);
          if (!outer) {
            return Object.hasOwn(instance.widgets, port.name) ? { kind: "value", value: instance.widgets[port.name] as JsonValue } : { kind: "none" };
          }
          state = { at: "input", scope: scope.parent, node: instance, input: port.name };
          continue;
        }
        if (state.type === undefined) typeSource = { scope, node, input, edge };
        state = { at: "output", scope, nodeId: edge.source, slot: edge.sourceSlot, type: state.type };
        continue;
      }
      const { scope, nodeId, slot }: { scope: Scope; nodeId: string; slot: number } = state;
      const type = (): string => linkType(state.type, typeSource);
      const node: GraphNode | undefined = nodeById(scope, nodeId);
      if (!node) {
        const where = execId(startScope, startNode.id);
        issues.push({ code: "dangling-link", severity: "error", nodeId: where, input: startInput, message: `Input "${startInput}" of node ${where} is linked to node ${execId(scope, nodeId)}, which does not exist; it was left unconnected.` });
        return { kind: "none" };
      }
      if (node.mode === "bypassed") {
        const where = execId(startScope, startNode.id);
        const inputs = inputSlots(node, catalogue, subgraphs, scope);
        const wanted = type();
        const index = bypassInputIndex(inputs, outputType(node, slot, catalogue, subgraphs), slot, wanted);
        if (index === -1 || index >= inputs.length) {
          issues.push({ code: "bypass-no-match", severity: "warning", nodeId: where, input: startInput, message: `Input "${startInput}" of node ${where} comes from bypassed node ${execId(scope, nodeId)}, which has no input of type ${wanted} to pass through; it was left unconnected.` });
          return { kind: "none" };
        }
        state = { at: "input", scope, node, input: inputs[index]!.name };
        continue;
      }
      const sub = subgraphs.get(node.type);
      if (sub) {
        const child = scope.children.get(node.id);
        const port: Subgraph["outputs"][number] | undefined = sub.outputs[slot];
        const inner: GraphEdge | undefined = child && port ? edgeInto(child, "-20", port.name) : undefined;
        if (!child || !inner) return { kind: "none" };
        if (inner.source === "-10") {
          const passPort: Subgraph["inputs"][number] | undefined = sub.inputs[inner.sourceSlot];
          if (!passPort) return { kind: "none" };
          state = { at: "input", scope, node, input: passPort.name };
          continue;
        }
        state = { at: "output", scope: child, nodeId: inner.source, slot: inner.sourceSlot, type: type() };
        continue;
      }
      if (node.type === "PrimitiveNode" && Object.hasOwn(node.widgets, "value")) {
        // The same value applyToGraph writes into directly linked widgets; returning it here also carries it through reroutes and into subgraphs.
        return { kind: "value", value: node.widgets.value as JsonValue };
      }
      if (isVirtualNodeType(node.type)) {
        const inputs = inputSlots(node, catalogue, subgraphs, scope);
        const through: Slot | undefined = node.type === "Reroute" ? (inputs[slot] ?? inputs[0]) : inputs[slot];
        if (!through) return { kind: "none" };
        state = { at: "input", scope, node, input: through.name, type: type() };
        continue;
      }
      return { kind: "link", id: execId(scope, node.id), slot };
    }
  };

  // PrimitiveNode.applyToGraph: the primitive's value is written into each target widget before serialising.
  const overrides = new Map<string, Map<string, JsonValue>>();
  for (const scope of scopes) {
    if (!scope.hasPrimitives) continue;
    // Outgoing edges are only needed from primitives, so they are gathered here rather than indexed for every node.
    const primitives = new Map<string, GraphEdge[]>();
    for (const node of scope.graph.nodes) if (node.type === "PrimitiveNode" && Object.hasOwn(node.widgets, "value")) primitives.set(node.id, []);
    if (primitives.size === 0) continue;
    for (const edge of scope.graph.edges) primitives.get(edge.source)?.push(edge);
    for (const node of scope.graph.nodes) {
      if (!primitives.has(node.id)) continue;
      const props = (node.extra?.ui as { properties?: Record<string, unknown> } | undefined)?.properties;
      const value = node.widgets.value as JsonValue;
      if (props?.["Run widget replace on values"] === true && typeof value === "string" && value.includes("%")) {
        issues.push({ code: "text-replacement-skipped", severity: "warning", nodeId: execId(scope, node.id), message: `PrimitiveNode ${execId(scope, node.id)} asks for %…% text replacement, which needs the clock and the graph at run time; the text was sent unchanged.` });
      }
      for (const edge of primitives.get(node.id)!) {
        const target = nodeById(scope, edge.target);
        if (!target || isVirtualNodeType(target.type) || subgraphs.has(target.type)) continue;
        const id = execId(scope, target.id);
        let map = overrides.get(id);
        if (!map) overrides.set(id, (map = new Map()));
        map.set(edge.targetInput, value);
      }
    }
  }

  // Consecutive nodes mostly share a type (chains, batches of samplers), and so do the sources of their links:
  // remembering the last type's answers skips a Set, a Map and a catalogue lookup per node and per link.
  // Two memos, because in a tree the nodes and their sources alternate between two types.
  const nodeTypes = new TypeMemo(catalogue, subgraphs);
  const sourceTypes = new TypeMemo(catalogue, subgraphs);
  // Set when a link may point at a node left out of the prompt; when none can, the pass that removes such links is skipped.
  let mayDangle = unexpandedIds.size > 0;
  // Null prototype: node ids and input names are user data, and "__proto__" must stay an ordinary key.
  let prompt: ApiPrompt = createRecord<ApiNode>();
  for (const scope of scopes) {
    if (scope.disabled) continue;
    const nodes = scope.graph.nodes;
    const edges = scope.graph.edges;
    for (let p = 0; p < nodes.length; p++) {
      const node = nodes[p]!;
      if (node.mode !== "active" || !nodeTypes.isPlain(node.type)) continue;
      const id = execId(scope, node.id);
      if (unexpandedIds.size > 0 && unexpandedIds.has(node.id) && scope.prefix.length === 0) {
        issues.push({ code: "legacy-group-node", severity: "error", nodeId: id, message: `Node ${id} is a legacy group node ("${node.type}") whose definition is missing from extra.groupNodes; it was left out of the prompt.` });
        continue;
      }
      const def = nodeTypes.definition(node.type);
      if (!def) {
        issues.push({ code: "unknown-node-type", severity: "error", nodeId: id, message: `Node ${id} has type "${node.type}", which the node catalogue does not know; its widget values cannot be named, so only its links were sent.` });
      }
      const inputs: Record<string, JsonValue> = {};
      const override = overrides.size > 0 ? overrides.get(id) : undefined;
      for (const name in node.widgets) {
        if (!Object.hasOwn(node.widgets, name)) continue;
        const v = override?.has(name) ? override.get(name)! : (node.widgets[name] as JsonValue);
        // Arrays mean links in an API prompt; ComfyUI's backend unwraps {__value__: [...]}.
        setEntry(inputs, name, Array.isArray(v) ? { __value__: v } : v);
      }
      if (override) for (const [name, v] of override) if (!Object.hasOwn(inputs, name)) setEntry(inputs, name, Array.isArray(v) ? { __value__: v } : v);
      const at = scope.repeatedIds ? edgeListOf(scope, node.id) : p;
      const head = scope.inHead[at]!;
      for (let e = head; e >= 0; e = scope.inNext[e]!) {
        let edge = edges[e]!;
        // Several edges into one input: the first places the input, the last gives its value.
        if (e !== head || scope.inNext[e]! >= 0) {
          if (!firstForInput(scope, at, e)) continue;
          edge = edgeIntoAt(scope, at, edge.targetInput)!;
        }
        const input = edge.targetInput;
        // Fast path for the common link from an ordinary node of the same graph.
        const source = edge.source === "-10" ? undefined : nodeById(scope, edge.source);
        if (source && source.mode !== "bypassed" && sourceTypes.isPlain(source.type)) {
          // An active plain source in an enabled scope is in the prompt; a muted one is not.
          if (source.mode !== "active") mayDangle = true;
          setEntry(inputs, input, [execId(scope, source.id), edge.sourceSlot]);
          continue;
        }
        const resolved = resolve(scope, node, input);
        if (resolved.kind === "link") {
          mayDangle = true;
          setEntry(inputs, input, [resolved.id, resolved.slot]);
        } else if (resolved.kind === "value") setEntry(inputs, input, Array.isArray(resolved.value) ? { __value__: resolved.value } : resolved.value);
      }
      prompt[id] = { inputs, class_type: node.type, _meta: { title: node.title ?? def?.display_name ?? node.type } };
    }
  }

  // Links to nodes that are not in the prompt (muted, virtual leftovers, unknown) are removed, as the frontend does.
  if (mayDangle) {
    for (const id in prompt) {
      const inputs = prompt[id]!.inputs;
      for (const name in inputs) {
        const value = inputs[name];
        if (Array.isArray(value) && value.length === 2 && !Object.hasOwn(prompt, String(value[0]))) delete inputs[name];
      }
    }
  }

  if (options.outputs && options.outputs.length > 0) {
    const kept: ApiPrompt = createRecord<ApiNode>();
    const queue: string[] = [];
    for (const id of options.outputs) {
      if (!Object.hasOwn(prompt, id)) {
        issues.push({ code: "unknown-output", severity: "error", nodeId: id, message: `Output node ${id} is not in the compiled prompt (missing, muted or bypassed); it was skipped.` });
        continue;
      }
      queue.push(id);
    }
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (Object.hasOwn(kept, id)) continue;
      const entry = prompt[id]!;
      kept[id] = entry;
      for (const value of Object.values(entry.inputs)) {
        if (Array.isArray(value) && value.length === 2 && Object.hasOwn(prompt, String(value[0]))) queue.push(String(value[0]));
      }
    }
    prompt = kept;
  }
  return { prompt, issues };
}
