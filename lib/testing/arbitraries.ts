import fc from "fast-check";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import {
  asEdgeId,
  asNodeId,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type JsonValue,
  type Layout,
} from "@/lib/graph/model";
import { areTypesCompatible, listInputs, listOutputs, type InputInfo } from "@/lib/graph/node-def";

/**
 * fast-check arbitraries for graphs. `arbValidDag` draws a plan (plain
 * numbers, so fast-check shrinks it well) and builds from it a graph that is
 * acyclic and valid against the catalogue; `arbJunkGraph` draws graphs that
 * pass the model schema but break every rule validation knows.
 */

const STRINGS = ["", "a fox", "naïve café", "🦊 emoji", 'quote " and \\ backslash', "line\nbreak"];

interface NodePlan {
  type: number;
  picks: number[];
}

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length]!;
}

function widgetValue(input: InputInfo, n: number): JsonValue {
  const o = input.options;
  switch (input.widgetType) {
    case "INT": {
      const min = typeof o.min === "number" ? o.min : -1000;
      const max = typeof o.max === "number" ? o.max : 1000;
      const span = Math.min(max - min, 1_000_000);
      return Math.max(min, Math.min(max, Math.ceil(min) + (n % (Math.floor(span) + 1))));
    }
    case "FLOAT": {
      const min = typeof o.min === "number" ? o.min : -100;
      const max = typeof o.max === "number" ? o.max : 100;
      const span = Math.min(max - min, 1_000_000);
      return min + ((n % 1001) / 1000) * span;
    }
    case "STRING":
      return pick(STRINGS, n);
    case "BOOLEAN":
      return n % 2 === 0;
    case "COMBO": {
      const values = input.comboValues ?? [];
      return values.length > 0 ? (pick(values, n) as JsonValue) : `model-${n % 3}.safetensors`;
    }
    default:
      return null;
  }
}

/**
 * Builds an acyclic graph from a plan: each node only takes links from nodes
 * before it, only of compatible types, and is only placed when all its
 * required links can be satisfied; a PreviewAny at the end makes it runnable.
 */
export function buildDagFromPlan(plan: readonly NodePlan[], catalogue: NodeCatalogue = BUNDLED_CATALOGUE, idOffset = 1): Graph {
  const types = Object.keys(catalogue).sort();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const produced: { node: GraphNode; slot: number; type: string }[] = [];
  for (const step of plan) {
    const picks = step.picks.length > 0 ? step.picks : [0];
    // Try types from the drawn one onwards until one can be wired up.
    for (let attempt = 0; attempt < types.length; attempt++) {
      const type = types[(step.type + attempt) % types.length]!;
      const def = catalogue[type]!;
      const inputs = listInputs(def);
      const links = inputs.filter((i) => i.kind === "link");
      const sources = links.map((i) => produced.filter((p) => areTypesCompatible(p.type, i.type)));
      if (links.some((input, k) => input.required && sources[k]!.length === 0)) continue;
      const id = asNodeId(String(nodes.length + idOffset));
      const widgets: Record<string, JsonValue> = {};
      inputs.forEach((input, k) => {
        if (input.kind === "widget") widgets[input.name] = widgetValue(input, picks[k % picks.length]! + k);
      });
      const node: GraphNode = { id, type, mode: "active", widgets };
      links.forEach((input, k) => {
        const candidates = sources[k]!;
        const n = picks[(k + 1) % picks.length]!;
        if (candidates.length === 0 || (!input.required && n % 3 === 0)) return;
        const from = pick(candidates, n + k);
        edges.push({
          id: asEdgeId(`${from.node.id}:${from.slot}->${id}.${input.name}`),
          source: from.node.id,
          sourceSlot: from.slot,
          target: id,
          targetInput: input.name,
        });
      });
      nodes.push(node);
      listOutputs(def).forEach((out) => produced.push({ node, slot: out.index, type: out.type }));
      break;
    }
  }
  if (produced.length > 0) {
    const from = produced[produced.length - 1]!;
    const id = asNodeId(String(nodes.length + idOffset));
    nodes.push({ id, type: "PreviewAny", mode: "active", widgets: {} });
    edges.push({ id: asEdgeId(`${from.node.id}:${from.slot}->${id}.source`), source: from.node.id, sourceSlot: from.slot, target: id, targetInput: "source" });
  }
  return { nodes, edges };
}

const arbPlan = (maxNodes: number) =>
  fc.array(fc.record({ type: fc.nat(1000), picks: fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 6 }) }), {
    minLength: 1,
    maxLength: maxNodes,
  });

/** Acyclic graphs that validate without errors against the bundled catalogue (with `{ emptyCombos: "ignore" }`). */
export function arbValidDag(options: { maxNodes?: number } = {}): fc.Arbitrary<Graph> {
  return arbPlan(options.maxNodes ?? 25).map((plan) => buildDagFromPlan(plan));
}

/** A random layout for the nodes of `graph` (positions, sizes, groups, viewport). */
export function arbLayoutFor(graph: Graph): fc.Arbitrary<Layout> {
  const box = fc.record(
    { x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }), width: fc.integer({ min: 50, max: 800 }) },
    { requiredKeys: ["x", "y"] },
  );
  return fc.record({
    nodes: fc.tuple(...graph.nodes.map(() => box)).map((boxes) => Object.fromEntries(graph.nodes.map((n, i) => [n.id, boxes[i]!]))),
    groups: fc.array(fc.record({ id: fc.uuid(), title: fc.string(), x: fc.integer(), y: fc.integer(), width: fc.nat(), height: fc.nat() }), {
      maxLength: 3,
    }),
    viewport: fc.record({ x: fc.integer(), y: fc.integer(), zoom: fc.double({ min: 0.1, max: 4, noNaN: true }) }),
  });
}

const JUNK_TYPES = ["KSampler", "EmptyImage", "ImageInvert", "SaveImage", "PreviewAny", "Reroute", "PrimitiveNode", "Note", "NoSuchNode", "constructor", "__proto__", "sg-1"];
const JUNK_INPUTS = ["image", "images", "samples", "model", "seed", "steps", "width", "", "value", "__proto__", "source"];

/** Graphs that pass the model's schema but otherwise anything goes: unknown types, dangling and duplicate edges, wild values, duplicate ids, cycles. */
export function arbJunkGraph(): fc.Arbitrary<Graph> {
  const id = fc.oneof(fc.integer({ min: -25, max: 12 }).map(String), fc.constantFrom("5:3", "-10", "-20", "__proto__", "x"));
  const node = fc.record(
    {
      id: id.map(asNodeId),
      type: fc.constantFrom(...JUNK_TYPES),
      mode: fc.constantFrom("active" as const, "muted" as const, "bypassed" as const),
      widgets: fc.dictionary(fc.constantFrom(...JUNK_INPUTS), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>, { maxKeys: 4 }),
      title: fc.string({ maxLength: 5 }),
      controls: fc.dictionary(fc.constantFrom("seed", "value"), fc.constantFrom("fixed" as const, "randomize" as const), { maxKeys: 1 }),
    },
    { requiredKeys: ["id", "type", "mode", "widgets"] },
  );
  const edge = fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }).map(asEdgeId),
    source: id.map(asNodeId),
    sourceSlot: fc.nat(6),
    target: id.map(asNodeId),
    targetInput: fc.constantFrom(...JUNK_INPUTS),
  });
  return fc.record({ nodes: fc.array(node, { maxLength: 20 }), edges: fc.array(edge, { maxLength: 30 }) });
}

/** Shuffles an array with fast-check's randomness (a permutation drawn as sort keys). */
export function arbShuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc
    .array(fc.double({ noNaN: true }), { minLength: items.length, maxLength: items.length })
    .map((keys) => items.map((item, i) => ({ item, key: keys[i]! })).sort((a, b) => a.key - b.key).map((x) => x.item));
}
