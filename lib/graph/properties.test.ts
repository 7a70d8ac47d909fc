import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbJunkGraph, arbLayoutFor, arbShuffled, arbValidDag, buildDocument } from "@/lib/testing";
import { BUNDLED_CATALOGUE } from "./bundled-catalogue";
import { diffGraphs, isEmptyGraphDiff } from "./diff";
import { hashDocument, hashGraph } from "./hash";
import { zGraphIssue } from "./issues";
import { asEdgeId, asNodeId, type Graph, type GraphNode, type JsonValue } from "./model";
import { validateDocument, validateGraph } from "./validate";

const validateBundled = (graph: Graph) => validateGraph(graph, BUNDLED_CATALOGUE, { emptyCombos: "ignore" });

/** Rebuilds every object with its keys in reverse order (same content, different insertion order). */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
  }
  return value;
}

/** Nodes reachable from `from` along edges. */
function reachable(graph: Graph, from: string): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const next of out.get(stack.pop()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return seen;
}

type Mutation =
  | { kind: "widget"; node: number; value: JsonValue }
  | { kind: "mode"; node: number; mode: GraphNode["mode"] }
  | { kind: "title"; node: number; title: string | undefined }
  | { kind: "dropEdge"; edge: number }
  | { kind: "dropNode"; node: number }
  | { kind: "rewire"; edge: number; slot: number }
  | { kind: "reorder" };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("widget" as const), node: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("a fox", "", true)) }),
  fc.record({ kind: fc.constant("mode" as const), node: fc.nat(), mode: fc.constantFrom("active" as const, "muted" as const, "bypassed" as const) }),
  fc.record({ kind: fc.constant("title" as const), node: fc.nat(), title: fc.option(fc.constantFrom("", "A", "B"), { nil: undefined }) }),
  fc.record({ kind: fc.constant("dropEdge" as const), edge: fc.nat() }),
  fc.record({ kind: fc.constant("dropNode" as const), node: fc.nat() }),
  fc.record({ kind: fc.constant("rewire" as const), edge: fc.nat(), slot: fc.nat(2) }),
  fc.constant({ kind: "reorder" as const }),
);

function mutate(graph: Graph, m: Mutation): Graph {
  const g: Graph = structuredClone(graph);
  const node = "node" in m ? g.nodes[m.node % g.nodes.length] : undefined;
  // Earlier mutations may have dropped every node.
  if ("node" in m && node === undefined) return g;
  switch (m.kind) {
    case "widget": {
      const names = Object.keys(node!.widgets);
      if (names.length > 0) node!.widgets[names[m.node % names.length]!] = m.value;
      break;
    }
    case "mode":
      node!.mode = m.mode;
      break;
    case "title":
      if (m.title === undefined) delete node!.title;
      else node!.title = m.title;
      break;
    case "dropEdge":
      if (g.edges.length > 0) g.edges.splice(m.edge % g.edges.length, 1);
      break;
    case "dropNode":
      g.nodes.splice(m.node % g.nodes.length, 1);
      break;
    case "rewire":
      if (g.edges.length > 0) g.edges[m.edge % g.edges.length]!.sourceSlot = m.slot;
      break;
    case "reorder":
      g.nodes.reverse();
      g.edges.reverse();
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown mutation ${JSON.stringify(never)}`);
    }
  }
  return g;
}

describe("graph properties", () => {
  it("hash is invariant under node and edge order, key order, edge ids and layout", () => {
    fc.assert(
      fc.property(
        arbValidDag().chain((g) => fc.tuple(fc.constant(g), arbShuffled(g.nodes), arbShuffled(g.edges), arbLayoutFor(g), arbLayoutFor(g))),
        ([graph, nodes, edges, layoutA, layoutB]) => {
          const shuffled: Graph = reverseKeys({ nodes, edges: edges.map((e, i) => ({ ...e, id: asEdgeId(`e${i}`) })) });
          expect(hashGraph(shuffled)).toBe(hashGraph(graph));
          expect(hashDocument(buildDocument(shuffled, { layout: layoutA }))).toBe(hashDocument(buildDocument(graph, { layout: layoutB })));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("diff of a graph with itself is empty", () => {
    fc.assert(fc.property(arbValidDag(), (graph) => isEmptyGraphDiff(diffGraphs(graph, structuredClone(graph)))), { numRuns: 150 });
  });

  it("diff is empty exactly when the hashes are equal", () => {
    fc.assert(
      fc.property(arbValidDag(), fc.array(arbMutation, { minLength: 1, maxLength: 3 }), (graph, mutations) => {
        const changed = mutations.reduce(mutate, graph);
        expect(isEmptyGraphDiff(diffGraphs(graph, changed))).toBe(hashGraph(graph) === hashGraph(changed));
      }),
      { numRuns: 300 },
    );
  });

  it("validateGraph and validateDocument never throw on junk graphs and return well-formed issues", () => {
    fc.assert(
      fc.property(arbJunkGraph(), arbJunkGraph(), fc.constantFrom("IMAGE", "*", "INT,FLOAT"), (graph, inner, portType) => {
        const issues = validateGraph(graph, BUNDLED_CATALOGUE);
        expect(zGraphIssue.array().safeParse(issues).success).toBe(true);
        const subgraph = {
          id: "sg-1",
          name: "junk",
          inputs: [{ name: "image", type: portType }],
          outputs: [{ name: "images", type: portType }],
          graph: inner,
          layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
        };
        expect(zGraphIssue.array().safeParse(validateDocument({ graph, subgraphs: [subgraph] }, BUNDLED_CATALOGUE)).success).toBe(true);
        expect(() => hashGraph(graph)).not.toThrow();
        expect(() => diffGraphs(graph, graph)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });

  it("random DAGs over the bundled catalogue validate without errors and without cycles", () => {
    fc.assert(
      fc.property(arbValidDag(), (graph) => {
        const issues = validateBundled(graph);
        expect(issues.filter((i) => i.kind === "cycle")).toEqual([]);
        expect(issues.filter((i) => i.severity === "error")).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("a back edge added to a DAG is reported as a cycle naming exactly the nodes on it", () => {
    fc.assert(
      fc.property(arbValidDag({ maxNodes: 15 }), fc.nat(), (graph, n) => {
        const edge = graph.edges[n % graph.edges.length]!;
        const back = { id: asEdgeId("back"), source: edge.target, sourceSlot: 0, target: edge.source, targetInput: "back" };
        const cyclic: Graph = { nodes: graph.nodes, edges: [...graph.edges, back] };
        const fromSource = reachable(graph, edge.source);
        const expected = graph.nodes.filter((node) => fromSource.has(node.id) && reachable(graph, node.id).has(edge.target)).map((node) => node.id);
        const cycles = validateBundled(cyclic).filter((i) => i.kind === "cycle");
        expect(cycles).toHaveLength(1);
        expect(cycles[0]!.kind === "cycle" && cycles[0]!.nodeIds).toEqual(expected);
        expect(cycles[0]!.nodeId).toBe(asNodeId(expected[0]!));
      }),
      { numRuns: 200 },
    );
  });
});
