import type { NodeCatalogue, NodeDefinition } from "./catalogue";
import type { GraphIssue, IssueOf, SourceCause } from "./issues";
import { SUBGRAPH_INPUT_NODE, SUBGRAPH_OUTPUT_NODE, type Graph, type GraphEdge, type GraphNode, type JsonValue, type NodeId, type Subgraph, type WorkflowDocument } from "./model";
import { IdIndex } from "./id-index";
import {
  areTypesCompatible,
  getDefinitionTables,
  getNodeDefinition,
  isOutputNode,
  type DefinitionTables,
  type InputInfo,
  type OutputInfo,
} from "./node-def";

/**
 * Graph validation: the checks ComfyUI's `/prompt` makes, plus the ones it
 * fails to make (cycles, which it rejects without naming a node; chains deep
 * enough to crash its worker), applied to our document model with the
 * frontend's rules for muted, bypassed and virtual nodes.
 *
 * Every algorithm here is iterative (Kahn's algorithm, an explicit-stack
 * Tarjan, bounded loops) so a 50,000-deep chain cannot overflow the stack, and
 * nothing throws on user data.
 */

/** ComfyUI 0.8.0 rejects linear chains of ≥985 nodes and its worker dies on 982–984 (RecursionError): we warn from here. */
export const COMFYUI_MAX_SAFE_DEPTH = 981;

export interface ValidateOptions {
  /**
   * What to do with a combo whose catalogue list is empty (model dropdowns of
   * a server without models, or of the bundled catalogue) or marked
   * `server_files: true` (the bundled catalogue's lists of a server's files).
   * "error" (default) mirrors ComfyUI, which rejects every value not listed;
   * "ignore" suits the bundled catalogue, which cannot know a server's files.
   */
  emptyCombos?: "error" | "ignore";
  /** Subgraph definitions of the document, so nodes whose type is a subgraph id are known. */
  subgraphs?: readonly Subgraph[];
}

// Node kinds, as small integers so the per-node table is one typed array.
const NORMAL = 0;
const UNKNOWN = 1;
const REROUTE = 2;
const PRIMITIVE = 3;
const NOTE = 4;
const DUPLICATE = 5;

const MODE_ACTIVE = 0;
const MODE_MUTED = 1;
const MODE_BYPASSED = 2;

interface Tables {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  /** Node id → position (the first node with that id). */
  index: IdIndex;
  kind: Uint8Array;
  mode: Uint8Array;
  /**
   * Per node (kind NORMAL only), a position in `defs` and `info`: the distinct
   * definitions met, with their input/output tables resolved once so hot
   * loops skip the per-definition cache. A typed array rather than an array
   * of n definitions: V8 does not preallocate `new Array(n)` as a fast array
   * beyond ~16,000 slots, and filling one of 50,000 cost 13× one of 10,000.
   */
  typeOf: Int32Array;
  defs: NodeDefinition[];
  info: DefinitionTables[];
  /** Incoming edges as singly linked lists: inHead[node] → edge, inNext[edge] → next edge (-1 ends). */
  inHead: Int32Array;
  inNext: Int32Array;
  /** Edge endpoints as node indices (-1 when the node does not exist). */
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  /** 1 when an edge already produced a structural issue: later checks skip it rather than cascade. */
  badEdge: Uint8Array;
  /** The first widget each PrimitiveNode feeds: the frontend gives the primitive that widget's type, so every other target must share it. */
  primitiveTargets: Map<number, { type: string; node: GraphNode; input: string }>;
}

type Resolved =
  | { kind: "node"; node: number; output: OutputInfo }
  | { kind: "primitive"; node: number }
  | { kind: "unknown" }
  | { kind: "none"; cause: SourceCause };

const UNKNOWN_SOURCE: Resolved = { kind: "unknown" };

function label(node: GraphNode): string {
  return `${node.type} #${node.id}`;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return "undefined";
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

function ownValue(widgets: Record<string, JsonValue> | undefined, name: string): JsonValue | undefined {
  return widgets !== undefined && Object.hasOwn(widgets, name) ? widgets[name] : undefined;
}

/** A synthetic definition for a subgraph instance: its ports as optional link inputs and outputs. */
function subgraphDefinitions(subgraphs: readonly Subgraph[], catalogue: NodeCatalogue): Map<string, NodeDefinition> {
  const defs = new Map<string, NodeDefinition>();
  const containsOutput = new Set<string>();
  // Fixed point over nesting without recursion: repeat until no subgraph changes.
  for (let changed = true, rounds = 0; changed && rounds <= subgraphs.length; rounds++) {
    changed = false;
    for (const sg of subgraphs) {
      if (containsOutput.has(sg.id)) continue;
      const has = sg.graph.nodes.some((n) => {
        if (n.mode !== "active") return false;
        const def = getNodeDefinition(catalogue, n.type);
        return (def !== undefined && isOutputNode(def)) || containsOutput.has(n.type);
      });
      if (has) {
        containsOutput.add(sg.id);
        changed = true;
      }
    }
  }
  for (const sg of subgraphs) {
    const optional: Record<string, [string]> = {};
    for (const port of sg.inputs) optional[port.name] = [port.type];
    defs.set(sg.id, {
      name: sg.id,
      display_name: sg.name,
      input: { required: {}, optional },
      output: sg.outputs.map((p) => p.type),
      output_name: sg.outputs.map((p) => p.name),
      output_node: containsOutput.has(sg.id),
    });
  }
  return defs;
}

/** Definitions not in the catalogue: subgraph instance types, and inside a subgraph its boundary nodes. */
interface ExtraDefinitions {
  byType: Map<string, NodeDefinition>;
}

function buildTables(graph: Graph, catalogue: NodeCatalogue, options: ValidateOptions, issues: GraphIssue[], extra?: ExtraDefinitions): Tables {
  const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
  const edges = Array.isArray(graph.edges) ? graph.edges : [];
  const n = nodes.length;
  const m = edges.length;
  const index = new IdIndex(n);
  const kind = new Uint8Array(n);
  const mode = new Uint8Array(n);
  const typeOf = new Int32Array(n);
  const defs: NodeDefinition[] = [];
  const info: DefinitionTables[] = [];
  const slotOfDef = new Map<NodeDefinition, number>();
  const sgDefs = extra?.byType ?? (options.subgraphs && options.subgraphs.length > 0 ? subgraphDefinitions(options.subgraphs, catalogue) : undefined);
  const duplicates = new Map<string, number>();

  // Neighbouring nodes often share a type; remembering the last lookup skips
  // most catalogue probes (a dictionary-mode object with hundreds of keys).
  let lastType: string | undefined;
  let lastDef: NodeDefinition | undefined;
  let lastSlot = -1;
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    const id = node.id;
    if (index.add(id, i) >= 0) {
      kind[i] = DUPLICATE;
      duplicates.set(id, (duplicates.get(id) ?? 1) + 1);
      continue;
    }
    mode[i] = node.mode === "muted" ? MODE_MUTED : node.mode === "bypassed" ? MODE_BYPASSED : MODE_ACTIVE;
    const type = node.type;
    if (type !== lastType) {
      lastType = type;
      lastDef = getNodeDefinition(catalogue, type) ?? sgDefs?.get(type);
      lastSlot = lastDef === undefined ? -1 : (slotOfDef.get(lastDef) ?? -1);
      if (lastDef !== undefined && lastSlot < 0) {
        lastSlot = defs.length;
        slotOfDef.set(lastDef, lastSlot);
        defs.push(lastDef);
        info.push(getDefinitionTables(lastDef));
      }
    }
    if (lastDef !== undefined) {
      kind[i] = NORMAL;
      typeOf[i] = lastSlot;
    } else if (type === "Reroute") kind[i] = REROUTE;
    else if (type === "PrimitiveNode") kind[i] = PRIMITIVE;
    else if (type === "Note" || type === "MarkdownNote") kind[i] = NOTE;
    else kind[i] = UNKNOWN;
  }
  for (const [id, count] of duplicates) {
    issues.push({
      kind: "duplicate_node_id",
      severity: "error",
      nodeId: id as NodeId,
      count,
      message: `Node id #${id} is used by ${count} nodes; edges to it are ambiguous. Give each node its own id.`,
    });
  }
  for (let i = 0; i < n; i++) {
    if (kind[i] !== UNKNOWN || mode[i] !== MODE_ACTIVE) continue;
    const node = nodes[i]!;
    issues.push({
      kind: "unknown_node_type",
      severity: "error",
      nodeId: node.id,
      nodeType: node.type,
      message: `${label(node)}: node type "${node.type}" is not installed on this server (is a custom node pack missing?).`,
    });
  }

  const inHead = new Int32Array(n).fill(-1);
  const inTail = new Int32Array(n);
  const inNext = new Int32Array(m).fill(-1);
  const edgeSource = new Int32Array(m);
  const edgeTarget = new Int32Array(m);
  const badEdge = new Uint8Array(m);
  // One pass over the edges both links them into per-node lists (appended, so
  // each list is in edge order and "first edge into an input" is stable) and
  // checks their ends: past ~10,000 nodes the edge objects no longer fit the
  // CPU caches, and each pass over them costs as much as the checks.
  for (let e = 0; e < m; e++) {
    const edge = edges[e]!;
    const s = index.get(edge.source);
    const t = index.get(edge.target);
    edgeSource[e] = s;
    edgeTarget[e] = t;
    if (t >= 0) {
      if (inHead[t]! < 0) inHead[t] = e;
      else inNext[inTail[t]!] = e;
      inTail[t] = e;
    }
    if (s < 0 || t < 0) {
      badEdge[e] = 1;
      const end = t < 0 ? "target" : "source";
      const missing = end === "target" ? edge.target : edge.source;
      const at = end === "target" ? edge.source : edge.target;
      const atNode = end === "target" ? (s >= 0 ? nodes[s] : undefined) : nodes[t];
      issues.push({
        kind: "dangling_link",
        severity: "error",
        nodeId: at,
        ...(end === "source" ? { inputName: edge.targetInput } : {}),
        edgeId: edge.id,
        missingNodeId: missing,
        end,
        message:
          end === "source"
            ? `${atNode ? label(atNode) : `#${at}`}: input "${edge.targetInput}" is linked to node #${missing}, which does not exist. Reconnect it.`
            : `${atNode ? label(atNode) : `#${at}`}: output ${edge.sourceSlot} is linked to node #${missing}, which does not exist. Remove the link.`,
      });
      continue;
    }
    const slotIssue = checkEdgeSlots(nodes, kind, typeOf, info, edge, s, t);
    if (slotIssue) {
      badEdge[e] = 1;
      issues.push(slotIssue);
    }
  }
  return { nodes, edges, index, kind, mode, typeOf, defs, info, inHead, inNext, edgeSource, edgeTarget, badEdge, primitiveTargets: new Map() };
}

function checkEdgeSlots(
  nodes: readonly GraphNode[],
  kind: Uint8Array,
  typeOf: Int32Array,
  info: readonly DefinitionTables[],
  edge: GraphEdge,
  s: number,
  t: number,
): IssueOf<"missing_slot"> | undefined {
  const source = nodes[s]!;
  const target = nodes[t]!;
  const sk = kind[s]!;
  const tk = kind[t]!;
  let outputCount = -1;
  if (sk === NORMAL) outputCount = info[typeOf[s]!]!.outputs.length;
  else if (sk === REROUTE || sk === PRIMITIVE) outputCount = 1;
  else if (sk === NOTE) outputCount = 0;
  if (outputCount >= 0 && edge.sourceSlot >= outputCount) {
    return {
      kind: "missing_slot",
      severity: "error",
      nodeId: target.id,
      inputName: edge.targetInput,
      edgeId: edge.id,
      end: "output",
      sourceNodeId: source.id,
      sourceSlot: edge.sourceSlot,
      message:
        outputCount === 0
          ? `${label(target)}: input "${edge.targetInput}" is linked to ${label(source)}, which has no outputs.`
          : `${label(target)}: input "${edge.targetInput}" is linked to output ${edge.sourceSlot} of ${label(source)}, which has only ${outputCount} output${outputCount === 1 ? "" : "s"}. Reconnect it.`,
    };
  }
  const lacksInput =
    (tk === NORMAL && info[typeOf[t]!]!.byName.get(edge.targetInput) === undefined) || tk === NOTE || tk === PRIMITIVE;
  if (lacksInput) {
    return {
      kind: "missing_slot",
      // ComfyUI ignores inputs its definition lacks, so the graph still runs;
      // but the link does nothing, which is rarely what the author meant.
      severity: tk === NORMAL ? "warning" : "error",
      nodeId: target.id,
      inputName: edge.targetInput,
      edgeId: edge.id,
      end: "input",
      sourceNodeId: source.id,
      sourceSlot: edge.sourceSlot,
      message: `${label(target)} has no input "${edge.targetInput}"; the link from ${label(source)} is ignored. Remove it or reconnect it to an existing input.`,
    };
  }
  return undefined;
}

/** The input/output tables of node `i`, whose kind must be NORMAL. */
function infoOf(tables: Tables, i: number): DefinitionTables {
  return tables.info[tables.typeOf[i]!]!;
}

/** First edge into `inputName` of node `t`, or -1. Lists are short (one per connected input), so a scan beats a map. */
function findIncoming(tables: Tables, t: number, inputName: string): number {
  for (let e = tables.inHead[t]!; e >= 0; e = tables.inNext[e]!) {
    if (tables.edges[e]!.targetInput === inputName) return e;
  }
  return -1;
}

/** First edge into a Reroute (it has one input, whatever the file named it). */
function firstIncoming(tables: Tables, t: number): number {
  return tables.inHead[t]!;
}

/**
 * Follows an edge upstream the way ComfyUI's frontend does when it builds a
 * prompt: through Reroutes (they pass any type), through bypassed nodes (see
 * `findBypassInput`; an unconnected pass-through input means nothing
 * arrives), and stopping at muted nodes (not sent at all) and PrimitiveNodes
 * (their value is inlined into the consumer).
 */
function resolveSource(tables: Tables, edgeIndex: number, wantedType: string): Resolved {
  let e = edgeIndex;
  // Each hop moves to another edge; more hops than edges means a loop of
  // reroutes or bypassed nodes, which the cycle check reports.
  for (let hops = 0; hops <= tables.edges.length; hops++) {
    if (tables.badEdge[e] === 1) return UNKNOWN_SOURCE;
    const s = tables.edgeSource[e]!;
    const slot = tables.edges[e]!.sourceSlot;
    const node = tables.nodes[s]!;
    const k = tables.kind[s]!;
    if (k === DUPLICATE) return UNKNOWN_SOURCE;
    // A muted node sends nothing whatever its type, so this comes before the unknown-type bail-out.
    if (tables.mode[s] === MODE_MUTED) return { kind: "none", cause: { nodeId: node.id, reason: "muted" } };
    if (k === UNKNOWN) return UNKNOWN_SOURCE;
    if (k === NOTE) return { kind: "none", cause: { nodeId: node.id, reason: "note" } };
    if (k === REROUTE) {
      const next = firstIncoming(tables, s);
      if (next < 0) return { kind: "none", cause: { nodeId: node.id, reason: "reroute_unconnected" } };
      e = next;
      continue;
    }
    if (k === PRIMITIVE) return { kind: "primitive", node: s };
    const tablesOfSource = infoOf(tables, s);
    if (tables.mode[s] === MODE_BYPASSED) {
      const match = findBypassInput(tablesOfSource, slot, wantedType);
      if (match === undefined) return { kind: "none", cause: { nodeId: node.id, reason: "bypassed_without_matching_input" } };
      const next = findIncoming(tables, s, match.name);
      if (next < 0) return { kind: "none", cause: { nodeId: node.id, reason: "bypassed_input_unconnected" } };
      e = next;
      continue;
    }
    const output = tablesOfSource.outputs[slot];
    return output === undefined ? UNKNOWN_SOURCE : { kind: "node", node: s, output };
  }
  return UNKNOWN_SOURCE;
}

/**
 * Which input a bypassed node passes through to a consumer wanting
 * `wantedType` from output `slot`, following the ComfyUI frontend
 * (ExecutableNodeDTO, 2025): a "*" consumer takes the input at the same
 * index (or the first); otherwise the input at the same index if it fits
 * both the output's and the consumer's type; else the first input of exactly
 * the consumer's type; else the first that fits both. None: nothing arrives.
 */
function findBypassInput(tables: DefinitionTables, slot: number, wantedType: string): InputInfo | undefined {
  const inputs = tables.inputs;
  if (inputs.length === 0) return undefined;
  if (wantedType === "*" || wantedType === "") return inputs[slot] ?? inputs[0];
  const outputType = tables.outputs[slot]?.type ?? "*";
  const fits = (input: InputInfo) => areTypesCompatible(input.type, outputType) && areTypesCompatible(input.type, wantedType);
  const same = inputs[slot];
  if (same !== undefined && fits(same)) return same;
  return inputs.find((input) => input.type === wantedType) ?? inputs.find(fits);
}

function causeText(tables: Tables, cause: SourceCause, wantedType: string): string {
  const i = tables.index.get(cause.nodeId);
  const who = i < 0 ? `#${cause.nodeId}` : label(tables.nodes[i]!);
  switch (cause.reason) {
    case "muted":
      return `its source ${who} is muted, so it sends nothing. Unmute it or connect another source`;
    case "bypassed_without_matching_input":
      return `its source ${who} is bypassed and has no ${wantedType} input to pass through. Un-bypass it or connect another source`;
    case "bypassed_input_unconnected":
      return `its source ${who} is bypassed and its ${wantedType} input is not connected. Connect that input or un-bypass it`;
    case "reroute_unconnected":
      return `it comes through ${who}, which has nothing connected. Connect the reroute's input`;
    case "note":
      return `it is linked to ${who}, which is a note`;
    default:
      return assertNever(cause.reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}

// Python's int() and float() accept these strings (surrounding blanks, a
// sign, underscores between digits), so ComfyUI converts them instead of
// rejecting them; we must not report what it accepts.
const PY_INT = /^[+-]?\d+(?:_\d+)*$/;
const PY_FLOAT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const PY_FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

function parsePythonNumber(text: string, type: "INT" | "FLOAT"): number | undefined {
  const trimmed = text.trim();
  if (type === "INT") return PY_INT.test(trimmed) ? Number(trimmed.replace(/_/g, "")) : undefined;
  if (PY_FLOAT.test(trimmed)) return Number(trimmed.replace(/_/g, ""));
  const special = PY_FLOAT_SPECIAL.exec(trimmed);
  if (!special) return undefined;
  if (special[2]!.toLowerCase() === "nan") return Number.NaN;
  return special[1] === "-" ? -Infinity : Infinity;
}

/**
 * Checks one widget value against its input spec, as ComfyUI's
 * `validate_inputs` does: convert (int/float), then bounds, then list
 * membership. Pushes issues for `owner` (the node ComfyUI would blame).
 */
function checkValue(
  owner: GraphNode,
  input: InputInfo,
  value: JsonValue,
  options: ValidateOptions,
  issues: GraphIssue[],
  via: string,
): void {
  const name = input.name;
  const where = `${label(owner)}: input "${name}"`;
  switch (input.widgetType) {
    case "INT":
    case "FLOAT": {
      let num: number | undefined;
      if (typeof value === "number") num = value;
      else if (typeof value === "boolean") num = value ? 1 : 0;
      else if (typeof value === "string") num = parsePythonNumber(value, input.widgetType);
      if (num === undefined) {
        issues.push({
          kind: "invalid_value_type",
          severity: "error",
          nodeId: owner.id,
          inputName: name,
          value,
          expectedType: input.widgetType,
          message: `${where} is ${describeValue(value)}${via}, which is not ${input.widgetType === "INT" ? "an integer" : "a number"}.`,
        });
        return;
      }
      if (input.widgetType === "INT" && Number.isFinite(num) && !Number.isInteger(num)) {
        issues.push({
          kind: "invalid_value_type",
          severity: "warning",
          nodeId: owner.id,
          inputName: name,
          value,
          expectedType: "INT",
          message: `${where} is ${num}${via}, not a whole number; ComfyUI will truncate it to ${Math.trunc(num)}.`,
        });
        num = Math.trunc(num);
      }
      const { min, max } = input.options;
      if (typeof min === "number" && num < min) {
        issues.push({
          kind: "value_out_of_range",
          severity: "error",
          nodeId: owner.id,
          inputName: name,
          value: num,
          bound: "min",
          limit: min,
          message: `${where} is ${num}${via}, below the minimum ${min}.`,
        });
      } else if (typeof max === "number" && num > max) {
        issues.push({
          kind: "value_out_of_range",
          severity: "error",
          nodeId: owner.id,
          inputName: name,
          value: num,
          bound: "max",
          limit: max,
          message: `${where} is ${num}${via}, above the maximum ${max}.`,
        });
      }
      return;
    }
    case "STRING":
      // ComfyUI calls str() on anything; a non-string usually means widget values slid by one position.
      if (typeof value !== "string") {
        issues.push({
          kind: "invalid_value_type",
          severity: "warning",
          nodeId: owner.id,
          inputName: name,
          value,
          expectedType: "STRING",
          message: `${where} is ${describeValue(value)}${via}, not text; ComfyUI will use its text form. Check the widget values are in the right inputs.`,
        });
      }
      return;
    case "BOOLEAN":
      if (typeof value !== "boolean") {
        issues.push({
          kind: "invalid_value_type",
          severity: "warning",
          nodeId: owner.id,
          inputName: name,
          value,
          expectedType: "BOOLEAN",
          message: `${where} is ${describeValue(value)}${via}, not true or false; ComfyUI will read it as ${Boolean(value)}.`,
        });
      }
      return;
    case "COMBO": {
      const allowed = input.comboValues ?? [];
      if (options.emptyCombos === "ignore" && (allowed.length === 0 || input.options.server_files === true)) return;
      const values = input.options.multiselect === true && Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (allowed.includes(v)) continue;
        const shown = allowed.slice(0, 8).map(describeValue).join(", ") + (allowed.length > 8 ? `, … (${allowed.length} in all)` : "");
        issues.push({
          kind: "value_not_in_list",
          severity: "error",
          nodeId: owner.id,
          inputName: name,
          value: v,
          allowed: [...allowed],
          message:
            allowed.length === 0
              ? `${where} is ${describeValue(v)}${via}, but the server offers no choices for it (no files installed?).`
              : `${where} is ${describeValue(v)}${via}, which is not one of the choices: ${shown}.`,
        });
        return;
      }
      return;
    }
    case undefined:
      return;
    default:
      assertNever(input.widgetType);
  }
}

function primitiveValue(node: GraphNode): JsonValue | undefined {
  const widgets = node.widgets;
  if (widgets === undefined) return undefined;
  if (Object.hasOwn(widgets, "value")) return widgets.value;
  for (const key in widgets) if (Object.hasOwn(widgets, key)) return widgets[key];
  return undefined;
}

function checkNodeInputs(tables: Tables, i: number, options: ValidateOptions, issues: GraphIssue[]): void {
  const node = tables.nodes[i]!;
  const inputs = infoOf(tables, i).inputs;
  const widgets = node.widgets;
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k]!;
    const e = tables.inHead[i]! < 0 ? -1 : findIncoming(tables, i, input.name);
    if (e >= 0) {
      // Fast path for the usual edge, straight from an active known node:
      // no Resolved object is allocated for it.
      const s = tables.edgeSource[e]!;
      if (tables.badEdge[e] === 0 && tables.kind[s] === NORMAL && tables.mode[s] === MODE_ACTIVE) {
        const output = infoOf(tables, s).outputs[tables.edges[e]!.sourceSlot];
        if (output !== undefined) {
          if (!areTypesCompatible(output.type, input.type)) pushTypeMismatch(tables, node, input, s, output, issues);
          continue;
        }
      }
      const r = resolveSource(tables, e, input.type);
      switch (r.kind) {
        case "node":
          if (!areTypesCompatible(r.output.type, input.type)) pushTypeMismatch(tables, node, input, r.node, r.output, issues);
          break;
        case "primitive": {
          const primitive = tables.nodes[r.node]!;
          if (input.kind !== "widget") {
            issues.push({
              kind: "type_mismatch",
              severity: "error",
              nodeId: node.id,
              inputName: input.name,
              sourceNodeId: primitive.id,
              sourceSlot: 0,
              receivedType: "PRIMITIVE",
              expectedType: input.type,
              message: `${label(node)}: input "${input.name}" expects ${input.type}, but ${label(primitive)} can only feed widget values.`,
            });
            break;
          }
          const first = tables.primitiveTargets.get(r.node);
          if (first === undefined) tables.primitiveTargets.set(r.node, { type: input.type, node, input: input.name });
          else if (first.type !== input.type) {
            issues.push({
              kind: "type_mismatch",
              severity: "error",
              nodeId: node.id,
              inputName: input.name,
              sourceNodeId: primitive.id,
              sourceSlot: 0,
              receivedType: first.type,
              expectedType: input.type,
              message: `${label(node)}: input "${input.name}" expects ${input.type}, but ${label(primitive)} already feeds the ${first.type} input "${first.input}" of ${label(first.node)} and takes its type. Use a separate primitive.`,
            });
            break;
          }
          const value = primitiveValue(primitive);
          if (value === undefined) {
            if (input.required) pushMissing(node, input.name, undefined, "", issues);
          } else checkValue(node, input, value, options, issues, ` (from ${label(primitive)})`);
          break;
        }
        case "unknown":
          break;
        case "none":
          if (input.required) pushMissing(node, input.name, r.cause, causeText(tables, r.cause, input.type), issues);
          break;
        default:
          assertNever(r);
      }
      continue;
    }
    const value = ownValue(widgets, input.name);
    if (value === undefined) {
      if (input.required) pushMissing(node, input.name, undefined, "", issues);
      continue;
    }
    // A literal for a link-typed input (custom types with a frontend widget) is
    // accepted unchecked, as ComfyUI does.
    if (input.kind === "widget") checkValue(node, input, value, options, issues, "");
  }
}

function pushTypeMismatch(tables: Tables, node: GraphNode, input: InputInfo, s: number, output: OutputInfo, issues: GraphIssue[]): void {
  const source = tables.nodes[s]!;
  issues.push({
    kind: "type_mismatch",
    severity: "error",
    nodeId: node.id,
    inputName: input.name,
    sourceNodeId: source.id,
    sourceSlot: output.index,
    receivedType: output.type,
    expectedType: input.type,
    message: `${label(node)}: input "${input.name}" expects ${input.type} but is linked to output "${output.name}" (${output.type}) of ${label(source)}.`,
  });
}

function pushMissing(node: GraphNode, inputName: string, cause: SourceCause | undefined, why: string, issues: GraphIssue[]): void {
  issues.push({
    kind: "missing_required_input",
    severity: "error",
    nodeId: node.id,
    inputName,
    ...(cause ? { cause } : {}),
    message: cause
      ? `${label(node)}: required input "${inputName}" receives nothing: ${why}.`
      : `${label(node)}: required input "${inputName}" has no value and no link.`,
  });
}

/**
 * Finds cycles and the longest executed path. Kahn's algorithm gives a
 * topological order (and the longest path along it); whatever it cannot
 * order lies on or after a cycle, and an explicit-stack Tarjan over just
 * those nodes names each cycle's members.
 */
function checkStructure(tables: Tables, issues: GraphIssue[], run: RunOptions): void {
  const n = tables.nodes.length;
  const m = tables.edges.length;
  const outHead = new Int32Array(n).fill(-1);
  const outNext = new Int32Array(m).fill(-1);
  const indegree = new Int32Array(n);
  for (let e = m - 1; e >= 0; e--) {
    const s = tables.edgeSource[e]!;
    const t = tables.edgeTarget[e]!;
    if (s < 0 || t < 0) continue;
    outNext[e] = outHead[s]!;
    outHead[s] = e;
    indegree[t]!++;
  }
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0 && tables.kind[i] !== DUPLICATE) queue[tail++] = i;
  // depth[i] = nodes ComfyUI executes on the longest path ending at i; virtual,
  // muted and bypassed nodes never reach ComfyUI, so they add nothing.
  const depth = new Int32Array(n);
  let deepest = -1;
  let maxDepth = 0;
  for (let head = 0; head < tail; head++) {
    const u = queue[head]!;
    const k = tables.kind[u]!;
    const executes = (k === NORMAL || k === UNKNOWN) && tables.mode[u] === MODE_ACTIVE ? 1 : 0;
    const d = depth[u]! + executes;
    depth[u] = d;
    if (d > maxDepth) {
      maxDepth = d;
      deepest = u;
    }
    for (let e = outHead[u]!; e >= 0; e = outNext[e]!) {
      const v = tables.edgeTarget[e]!;
      if (depth[v]! < d) depth[v] = d;
      if (--indegree[v]! === 0) queue[tail++] = v;
    }
  }
  if (run.root && maxDepth > COMFYUI_MAX_SAFE_DEPTH && deepest >= 0) {
    const node = tables.nodes[deepest]!;
    issues.push({
      kind: "depth_exceeds_comfyui",
      severity: "warning",
      nodeId: node.id,
      depth: maxDepth,
      limit: COMFYUI_MAX_SAFE_DEPTH,
      message: `${label(node)} ends a chain of ${maxDepth} nodes; ComfyUI 0.8 rejects chains of 985 or more and its worker crashes from 982. Keep chains at ${COMFYUI_MAX_SAFE_DEPTH} nodes or fewer.`,
    });
  }
  const ordered = tail + countDuplicates(tables);
  if (ordered < n) findCycles(tables, indegree, outHead, outNext, issues);
}

function countDuplicates(tables: Tables): number {
  let count = 0;
  for (let i = 0; i < tables.kind.length; i++) if (tables.kind[i] === DUPLICATE) count++;
  return count;
}

function findCycles(tables: Tables, indegree: Int32Array, outHead: Int32Array, outNext: Int32Array, issues: GraphIssue[]): void {
  const n = tables.nodes.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (indegree[root] === 0 || order[root] !== -1 || tables.kind[root] === DUPLICATE) continue;
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callNode.push(root);
    callEdge.push(outHead[root]!);
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const v = callNode[top]!;
      const e = callEdge[top]!;
      if (e >= 0) {
        callEdge[top] = outNext[e]!;
        const w = tables.edgeTarget[e]!;
        // Nodes Kahn ordered cannot be on a cycle: skipping them keeps this pass proportional to the unordered rest.
        if (w < 0 || indegree[w] === 0) continue;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(outHead[w]!);
        } else if (onStack[w] === 1 && order[w]! < low[v]!) {
          low[v] = order[w]!;
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const parent = callNode[callNode.length - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] !== order[v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
      } while (w !== v);
      if (members.length === 1 && !hasSelfLoop(tables, v, outHead, outNext)) continue;
      members.sort((a, b) => a - b);
      const ids = members.map((i) => tables.nodes[i]!.id);
      const first = tables.nodes[members[0]!]!;
      const shown = ids.slice(0, 10).map((id) => `#${id}`).join(", ") + (ids.length > 10 ? ` and ${ids.length - 10} more` : "");
      issues.push({
        kind: "cycle",
        severity: "error",
        nodeId: first.id,
        nodeIds: ids,
        message:
          ids.length === 1
            ? `${label(first)} is linked to itself; ComfyUI cannot run a node that waits for its own output. Remove that link.`
            : `Nodes ${shown} form a cycle; ComfyUI cannot run nodes that wait for each other. Remove one of the links between them.`,
      });
    }
  }
}

function hasSelfLoop(tables: Tables, v: number, outHead: Int32Array, outNext: Int32Array): boolean {
  for (let e = outHead[v]!; e >= 0; e = outNext[e]!) if (tables.edgeTarget[e] === v) return true;
  return false;
}

interface RunOptions {
  /** Whether the graph must contain an output node and is checked against ComfyUI's depth limit (false inside a subgraph). */
  root: boolean;
}

function runValidation(graph: Graph, catalogue: NodeCatalogue, options: ValidateOptions, extra: ExtraDefinitions | undefined, run: RunOptions): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const tables = buildTables(graph, catalogue, options, issues, extra);
  checkStructure(tables, issues, run);
  const n = tables.nodes.length;
  let hasOutput = false;
  let hasUnknown = false;
  for (let i = 0; i < n; i++) {
    const k = tables.kind[i]!;
    if (tables.mode[i] !== MODE_ACTIVE) continue;
    if (k === UNKNOWN) hasUnknown = true;
    if (k !== NORMAL) continue;
    if (!hasOutput && isOutputNode(tables.defs[tables.typeOf[i]!]!)) hasOutput = true;
    checkNodeInputs(tables, i, options, issues);
  }
  // With unknown types present, one of them may well be the output node; say
  // nothing rather than pile a guess on top of the unknown-type errors.
  if (run.root && !hasOutput && !hasUnknown) {
    issues.push({
      kind: "no_output_node",
      severity: "error",
      message:
        n === 0
          ? "The graph is empty. Add nodes ending in an output such as Save Image or Preview Image."
          : "The graph has no active output node (such as Save Image or Preview Image), so ComfyUI would run nothing. Add one or un-mute it.",
    });
  }
  return issues;
}

/**
 * Validates a graph against a node catalogue.
 * @returns every issue found, errors and warnings, in a stable order (structure, then per node in graph order); never throws on user data.
 */
export function validateGraph(graph: Graph, catalogue: NodeCatalogue, options: ValidateOptions = {}): GraphIssue[] {
  return runValidation(graph, catalogue, options, undefined, { root: true });
}

/** Type names of a subgraph's boundary nodes while its inside is validated (labels in messages). */
const SUBGRAPH_INPUTS_TYPE = "Subgraph inputs";
const SUBGRAPH_OUTPUTS_TYPE = "Subgraph outputs";

/**
 * Validates a document: its graph (subgraph instances typed by their
 * definitions' ports) and the inside of every subgraph definition, where the
 * boundary nodes -10 (inputs) and -20 (outputs) stand for the ports. Issues
 * found inside a subgraph carry its id in `subgraphId`.
 * @returns every issue found; never throws on user data.
 */
export function validateDocument(
  doc: Pick<WorkflowDocument, "graph" | "subgraphs">,
  catalogue: NodeCatalogue,
  options: Omit<ValidateOptions, "subgraphs"> = {},
): GraphIssue[] {
  const subgraphs = Array.isArray(doc.subgraphs) ? doc.subgraphs : [];
  const byType = subgraphs.length > 0 ? subgraphDefinitions(subgraphs, catalogue) : new Map<string, NodeDefinition>();
  const issues = runValidation(doc.graph, catalogue, options, { byType }, { root: true });
  for (const sg of subgraphs) {
    const defs = new Map(byType);
    defs.set(SUBGRAPH_INPUTS_TYPE, {
      name: SUBGRAPH_INPUTS_TYPE,
      input: { required: {} },
      output: sg.inputs.map((p) => p.type),
      output_name: sg.inputs.map((p) => p.name),
    });
    defs.set(SUBGRAPH_OUTPUTS_TYPE, {
      name: SUBGRAPH_OUTPUTS_TYPE,
      input: { required: {}, optional: Object.fromEntries(sg.outputs.map((p): [string, [string]] => [p.name, [p.type]])) },
      output: [],
    });
    const boundary = (id: string, type: string): GraphNode => ({ id: id as NodeId, type, mode: "active", widgets: {} });
    const inside: Graph = {
      nodes: [boundary(SUBGRAPH_INPUT_NODE, SUBGRAPH_INPUTS_TYPE), boundary(SUBGRAPH_OUTPUT_NODE, SUBGRAPH_OUTPUTS_TYPE), ...sg.graph.nodes],
      edges: sg.graph.edges,
    };
    for (const issue of runValidation(inside, catalogue, options, { byType: defs }, { root: false })) {
      issues.push({ ...issue, subgraphId: sg.id, message: `Subgraph "${sg.name}": ${issue.message}` });
    }
  }
  return issues;
}
