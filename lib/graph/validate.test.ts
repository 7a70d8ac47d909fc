import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importApiPrompt } from "@/lib/formats";
import { buildEdge, buildGraph, buildNode, buildTxt2ImgGraph } from "@/lib/testing";
import { BUNDLED_CATALOGUE } from "./bundled-catalogue";
import { zNodeCatalogue } from "./catalogue";
import { getIssueNodeId, zGraphIssue, type GraphIssue } from "./issues";
import { asNodeId, type GraphNode } from "./model";
import { validateDocument, validateGraph } from "./validate";

const shared = join(import.meta.dirname, "../../../shared/comfyui");
const captured = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "object_info.json"), "utf8")));
const bundled = (graph: Parameters<typeof validateGraph>[0]) => validateGraph(graph, BUNDLED_CATALOGUE, { emptyCombos: "ignore" });
const kinds = (issues: GraphIssue[]) => issues.map((i) => `${i.kind}@${getIssueNodeId(i) ?? "-"}${"inputName" in i && i.inputName ? `.${i.inputName}` : ""}`);
const errors = (issues: GraphIssue[]) => issues.filter((i) => i.severity === "error");

/** EmptyImage #1 → ImageInvert #2 → SaveImage #3, the shape of most captured error cases. */
function imageChain(overrides: { empty?: Partial<GraphNode>; invert?: Partial<GraphNode> } = {}) {
  return buildGraph(
    [
      buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 }, ...overrides.empty }),
      buildNode(2, "ImageInvert", overrides.invert),
      buildNode(3, "SaveImage", { widgets: { filename_prefix: "x" } }),
    ],
    [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "images")],
  );
}

describe("validateGraph", () => {
  it("finds nothing wrong with the classic text-to-image graph", () => {
    expect(bundled(buildTxt2ImgGraph())).toEqual([]);
  });

  it("reports a value below the minimum in words a person can act on", () => {
    const issues = bundled(buildTxt2ImgGraph({ steps: 0 }));
    expect(issues).toEqual([
      {
        kind: "value_out_of_range",
        severity: "error",
        nodeId: "3",
        inputName: "steps",
        value: 0,
        bound: "min",
        limit: 1,
        message: 'KSampler #3: input "steps" is 0, below the minimum 1.',
      },
    ]);
    expect(zGraphIssue.array().safeParse(issues).success).toBe(true);
  });

  it("reports a value above the maximum", () => {
    expect(bundled(buildTxt2ImgGraph({ width: 20000 }))).toMatchObject([
      { kind: "value_out_of_range", nodeId: "5", inputName: "width", bound: "max", limit: 16384 },
    ]);
  });

  it("names every node of a cycle", () => {
    const graph = imageChain();
    graph.nodes.push(buildNode(4, "ImageInvert"), buildNode(5, "ImageInvert"));
    graph.edges.push(buildEdge(4, 0, 5, "image"), buildEdge(5, 0, 4, "image"));
    graph.edges.splice(0, 1, buildEdge(5, 0, 2, "image"));
    const cycles = bundled(graph).filter((i) => i.kind === "cycle");
    expect(cycles).toMatchObject([{ kind: "cycle", nodeId: "4", nodeIds: ["4", "5"] }]);
  });

  it("reports a node linked to itself as a cycle of one", () => {
    const graph = imageChain();
    graph.edges[0] = buildEdge(2, 0, 2, "image");
    expect(bundled(graph).filter((i) => i.kind === "cycle")).toMatchObject([{ nodeIds: ["2"], nodeId: "2" }]);
  });

  it("reports an unknown node type once, without follow-on issues downstream", () => {
    const graph = imageChain({ invert: { type: "NoSuchNode" } });
    expect(kinds(bundled(graph))).toEqual(["unknown_node_type@2"]);
  });

  it("does not report a missing output node when an unknown type may be one", () => {
    const graph = buildGraph([buildNode(1, "SomeCustomSaver")]);
    expect(kinds(bundled(graph))).toEqual(["unknown_node_type@1"]);
  });

  it("reports a missing output node", () => {
    const graph = imageChain();
    graph.nodes.pop();
    graph.edges.pop();
    expect(kinds(bundled(graph))).toEqual(["no_output_node@-"]);
  });

  it("reports a link whose types do not match, and accepts wildcards and unions", () => {
    const graph = buildGraph(
      [
        buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }),
        buildNode(2, "LatentUpscaleBy", { widgets: { upscale_method: "area", scale_by: 2 } }),
        buildNode(3, "PreviewAny"),
        buildNode(4, "SaveLatent", { widgets: { filename_prefix: "x" } }),
      ],
      [buildEdge(1, 0, 2, "samples"), buildEdge(1, 0, 3, "source"), buildEdge(2, 0, 4, "samples")],
    );
    expect(bundled(graph)).toEqual([
      {
        kind: "type_mismatch",
        severity: "error",
        nodeId: "2",
        inputName: "samples",
        sourceNodeId: "1",
        sourceSlot: 0,
        receivedType: "IMAGE",
        expectedType: "LATENT",
        message: 'LatentUpscaleBy #2: input "samples" expects LATENT but is linked to output "IMAGE" (IMAGE) of EmptyImage #1.',
      },
    ]);
  });

  it("reports values of the wrong type, not in the list, and converts what Python converts", () => {
    const graph = imageChain({ empty: { widgets: { width: "wide", height: " 1_6 ", batch_size: 1.5, color: 0 } } });
    graph.nodes.push(buildNode(4, "ImageScale", { widgets: { upscale_method: "magic", width: 8, height: 8, crop: "disabled" } }));
    graph.edges.push(buildEdge(2, 0, 4, "image"));
    expect(bundled(graph).map((i) => [i.kind, i.severity, getIssueNodeId(i), i.message])).toEqual([
      ["invalid_value_type", "error", "1", 'EmptyImage #1: input "width" is "wide", which is not an integer.'],
      ["invalid_value_type", "warning", "1", 'EmptyImage #1: input "batch_size" is 1.5, not a whole number; ComfyUI will truncate it to 1.'],
      [
        "value_not_in_list",
        "error",
        "4",
        'ImageScale #4: input "upscale_method" is "magic", which is not one of the choices: "nearest-exact", "bilinear", "area", "bicubic", "lanczos".',
      ],
    ]);
  });

  it("treats empty model lists as unknown with the bundled catalogue and as ComfyUI does otherwise", () => {
    const graph = buildTxt2ImgGraph();
    expect(bundled(graph)).toEqual([]);
    expect(kinds(validateGraph(graph, BUNDLED_CATALOGUE))).toEqual(["value_not_in_list@4.ckpt_name"]);
  });

  it("reports dangling links and missing slots on the node that owns the input", () => {
    const graph = imageChain();
    graph.edges[0] = buildEdge(99, 0, 2, "image");
    graph.edges.push(buildEdge(1, 5, 3, "images"), buildEdge(1, 0, 3, "no_such_input"), buildEdge(2, 0, 77, "image"));
    expect(kinds(bundled(graph))).toEqual([
      "dangling_link@2.image",
      "missing_slot@3.images",
      "missing_slot@3.no_such_input",
      "dangling_link@2",
    ]);
  });

  it("reports duplicate node ids", () => {
    const graph = imageChain();
    graph.nodes.push(buildNode(2, "ImageInvert"));
    expect(kinds(bundled(graph))).toEqual(["duplicate_node_id@2"]);
  });

  it("says a required input is empty because its only source is muted", () => {
    const graph = imageChain({ empty: { mode: "muted" } });
    const issues = bundled(graph);
    expect(issues).toEqual([
      {
        kind: "missing_required_input",
        severity: "error",
        nodeId: "2",
        inputName: "image",
        cause: { nodeId: "1", reason: "muted" },
        message: 'ImageInvert #2: required input "image" receives nothing: its source EmptyImage #1 is muted, so it sends nothing. Unmute it or connect another source.',
      },
    ]);
  });

  it("passes a bypassed node's matching input through, and complains when there is none", () => {
    expect(bundled(imageChain({ invert: { mode: "bypassed" } }))).toEqual([]);
    const graph = imageChain();
    graph.nodes[1] = buildNode(2, "VAEEncode", { mode: "bypassed" });
    graph.edges[0] = buildEdge(1, 0, 2, "pixels");
    // VAEEncode's output is LATENT but SaveImage wants IMAGE: the bypassed node's IMAGE input "pixels" passes through.
    expect(bundled(graph)).toEqual([]);
    graph.nodes[2] = buildNode(3, "SaveLatent", { widgets: { filename_prefix: "x" } });
    graph.edges[1] = buildEdge(2, 0, 3, "samples");
    expect(bundled(graph)).toMatchObject([
      { kind: "missing_required_input", nodeId: "3", inputName: "samples", cause: { nodeId: "2", reason: "bypassed_without_matching_input" } },
    ]);
  });

  it("lets a Reroute pass any type and a PrimitiveNode take its target's type", () => {
    const graph = imageChain();
    graph.nodes.push(buildNode(10, "Reroute"), buildNode(11, "PrimitiveNode", { widgets: { value: 0 } }), buildNode(12, "Note"));
    graph.edges[1] = buildEdge(10, 0, 3, "images");
    graph.edges.push(buildEdge(2, 0, 10, ""), buildEdge(11, 0, 1, "width"));
    expect(kinds(bundled(graph))).toEqual(["value_out_of_range@1.width"]);
    expect(bundled(graph)[0]!.message).toBe('EmptyImage #1: input "width" is 0 (from PrimitiveNode #11), below the minimum 1.');
  });

  it("finds the type mismatch behind a Reroute", () => {
    const graph = imageChain();
    graph.nodes.push(buildNode(10, "Reroute"), buildNode(11, "SaveLatent", { widgets: { filename_prefix: "x" } }));
    graph.edges.push(buildEdge(2, 0, 10, ""), buildEdge(10, 0, 11, "samples"));
    expect(kinds(bundled(graph))).toEqual(["type_mismatch@11.samples"]);
  });

  it("ignores muted nodes' own problems: they never run", () => {
    const graph = imageChain();
    graph.nodes.push(buildNode(4, "ImageScale", { mode: "muted", widgets: { upscale_method: "magic" } }));
    expect(bundled(graph)).toEqual([]);
  });

  it("knows subgraph instance types from the document's definitions", () => {
    const graph = imageChain({ invert: { type: "sg-1" } });
    const subgraph = {
      id: "sg-1",
      name: "Invert twice",
      inputs: [{ name: "image", type: "IMAGE" }],
      outputs: [{ name: "IMAGE", type: "IMAGE" }],
      graph: buildGraph([]),
      layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
    };
    expect(validateGraph(graph, BUNDLED_CATALOGUE, { subgraphs: [subgraph] })).toEqual([]);
  });

  it("warns when the longest chain is deeper than ComfyUI can recurse, and handles 10,000 deep without overflowing", () => {
    const chain = (count: number) => {
      const nodes = [buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } })];
      const edges = [];
      for (let i = 2; i < count; i++) {
        nodes.push(buildNode(i, "ImageInvert"));
        edges.push(buildEdge(i - 1, 0, i, "image"));
      }
      nodes.push(buildNode(count, "SaveImage", { widgets: { filename_prefix: "x" } }));
      edges.push(buildEdge(count - 1, 0, count, "images"));
      return buildGraph(nodes, edges);
    };
    expect(bundled(chain(981))).toEqual([]);
    expect(bundled(chain(982))).toMatchObject([{ kind: "depth_exceeds_comfyui", severity: "warning", nodeId: "982", depth: 982 }]);
    const deep = chain(10_000);
    deep.edges.push(buildEdge(9_999, 0, 2, "image"));
    const issues = bundled(deep);
    expect(issues.map((i) => i.kind)).toEqual(["cycle"]);
    expect(issues[0]).toMatchObject({ kind: "cycle", nodeId: "2" });
    expect((issues[0] as { nodeIds: string[] }).nodeIds).toHaveLength(9_998);
  });
});

interface ErrorCase {
  id: string;
  request: { body?: unknown };
  response: { status: number; body: unknown };
}

/** ComfyUI's error types mapped to our issue kinds. */
const kindFor: Record<string, string[]> = {
  required_input_missing: ["missing_required_input"],
  exception_during_inner_validation: ["dangling_link", "missing_slot"],
  value_bigger_than_max: ["value_out_of_range"],
  value_smaller_than_min: ["value_out_of_range"],
  return_type_mismatch: ["type_mismatch"],
  value_not_in_list: ["value_not_in_list"],
  invalid_input_type: ["invalid_value_type"],
  // LoadImage's own check that the file exists; for us the file is not in the server's list.
  custom_validation_failed: ["value_not_in_list"],
};

describe("validateGraph against real ComfyUI verdicts (prompt-errors.json)", () => {
  const capture = JSON.parse(readFileSync(join(shared, "prompt-errors.json"), "utf8")) as { cases: ErrorCase[] };
  const withPrompt = capture.cases.filter((c) => {
    const body = c.request.body;
    return typeof body === "object" && body !== null && "prompt" in body;
  });

  it("covers the captured cases that carry a prompt", () => {
    expect(withPrompt.map((c) => c.id)).toEqual([
      "a_unknown_class_type", "b_missing_required_input", "b2_missing_required_link", "c_link_to_missing_node",
      "d_value_out_of_range", "d2_value_below_min", "e_type_mismatch", "f_cycle", "g_no_output_node",
      "j_bad_combo_value", "k_wrong_value_type", "l_missing_class_type", "m_bad_output_slot", "n_load_missing_file",
      "o_partial_valid", "p_empty_prompt", "q_cross_origin_post",
    ]);
  });

  it.each(withPrompt.map((c) => [c.id, c] as const))("agrees with ComfyUI on %s", (id, c) => {
    const prompt = (c.request.body as { prompt: unknown }).prompt;
    const body = c.response.body as {
      error?: { type: string; details: string };
      node_errors?: Record<string, { errors: { type: string }[] }>;
    } | null;
    if (id === "q_cross_origin_post") {
      // Refused with 403 before validation: ComfyUI gave no verdict to compare.
      expect(c.response.status).toBe(403);
      return;
    }
    const imported = importApiPrompt({ prompt });
    if (id === "l_missing_class_type" || id === "p_empty_prompt") {
      // The importer refuses what ComfyUI calls invalid_prompt / prompt_no_outputs, naming the node when there is one.
      expect(imported.ok).toBe(false);
      if (!imported.ok && id === "l_missing_class_type") expect(imported.error.message).toContain('"2"');
      return;
    }
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const issues = errors(validateGraph(imported.document.graph, captured));
    const ours = new Set(issues.map(getIssueNodeId).filter((x) => x !== undefined));

    switch (body?.error?.type) {
      case "invalid_prompt": {
        const failing = /#(\S+?)'/.exec(body.error.details)?.[1];
        expect([...ours]).toEqual([failing]);
        expect(issues.map((i) => i.kind)).toEqual(["unknown_node_type"]);
        return;
      }
      case "prompt_no_outputs":
        expect(issues.map((i) => i.kind)).toEqual(["no_output_node"]);
        return;
      default:
        break;
    }
    const nodeErrors = body?.node_errors ?? {};
    if (Object.keys(nodeErrors).length === 0) {
      // f_cycle: ComfyUI rejects the prompt without naming anyone; we name the cycle.
      expect(id).toBe("f_cycle");
      expect(issues).toMatchObject([{ kind: "cycle", nodeIds: [asNodeId("1"), asNodeId("2")] }]);
      return;
    }
    expect([...ours].sort()).toEqual(Object.keys(nodeErrors).sort());
    for (const [nodeId, entry] of Object.entries(nodeErrors)) {
      for (const err of entry.errors) {
        const expected = kindFor[err.type];
        expect(expected, `no mapping for ComfyUI error ${err.type}`).toBeDefined();
        expect(issues.some((i) => getIssueNodeId(i) === nodeId && expected!.includes(i.kind))).toBe(true);
      }
    }
  });
});

describe("validateGraph with the bundled catalogue", () => {
  it("accepts any VAE file name, since only a live server knows its files", () => {
    const graph = buildGraph([buildNode(1, "VAELoader", { widgets: { vae_name: "my-vae.safetensors" } })]);
    expect(kinds(bundled(graph))).toEqual(["no_output_node@-"]);
    expect(kinds(validateGraph(graph, BUNDLED_CATALOGUE))).toEqual(["value_not_in_list@1.vae_name", "no_output_node@-"]);
  });
});

describe("validateDocument", () => {
  const inner = buildGraph(
    [buildNode(1, "ImageInvert"), buildNode(2, "ImageBlur", { widgets: { blur_radius: 0, sigma: 1 } })],
    [buildEdge("-10", 0, 1, "image"), buildEdge(1, 0, 2, "image"), buildEdge(2, 0, "-20", "IMAGE")],
  );
  const subgraph = {
    id: "sg-blur",
    name: "Invert and blur",
    inputs: [{ name: "image", type: "IMAGE" }],
    outputs: [{ name: "IMAGE", type: "IMAGE" }],
    graph: inner,
    layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
  };

  it("checks inside subgraph definitions, treating -10/-20 as the ports, and says where", () => {
    const doc = { graph: imageChain({ invert: { type: "sg-blur" } }), subgraphs: [subgraph] };
    expect(validateDocument(doc, BUNDLED_CATALOGUE)).toEqual([
      {
        kind: "value_out_of_range",
        severity: "error",
        subgraphId: "sg-blur",
        nodeId: "2",
        inputName: "blur_radius",
        value: 0,
        bound: "min",
        limit: 1,
        message: 'Subgraph "Invert and blur": ImageBlur #2: input "blur_radius" is 0, below the minimum 1.',
      },
    ]);
  });

  it("reports a port type that does not fit what is inside", () => {
    const doc = {
      graph: imageChain({ invert: { type: "sg-blur" } }),
      subgraphs: [{ ...subgraph, inputs: [{ name: "latent", type: "LATENT" }], graph: { ...inner, nodes: [inner.nodes[0]!, buildNode(2, "ImageBlur", { widgets: { blur_radius: 1, sigma: 1 } })] } }],
    };
    // The outer link still targets the old port name (a warning there), and inside the LATENT port feeds an IMAGE input.
    expect(validateDocument(doc, BUNDLED_CATALOGUE).map((i) => [i.kind, i.severity, i.subgraphId, getIssueNodeId(i)])).toEqual([
      ["missing_slot", "warning", undefined, "2"],
      ["type_mismatch", "error", "sg-blur", "1"],
    ]);
  });
});

describe("PrimitiveNode targets", () => {
  it("rejects one primitive feeding widgets of different types", () => {
    const graph = imageChain();
    graph.nodes.push(buildNode(11, "PrimitiveNode", { widgets: { value: 8 } }));
    graph.edges.push(buildEdge(11, 0, 1, "width"), buildEdge(11, 0, 3, "filename_prefix"));
    expect(bundled(graph)).toMatchObject([
      { kind: "type_mismatch", nodeId: "3", inputName: "filename_prefix", sourceNodeId: "11", receivedType: "INT", expectedType: "STRING" },
    ]);
  });
});

describe("bypassed nodes, as ComfyUI's frontend resolves them", () => {
  const empty = () => buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } });

  it("passes the input at the output's index first, even when it is the unconnected one", () => {
    const graph = buildGraph(
      [empty(), buildNode(2, "ImageBatch", { mode: "bypassed" }), buildNode(3, "PreviewImage")],
      [buildEdge(1, 0, 2, "image2"), buildEdge(2, 0, 3, "images")],
    );
    expect(bundled(graph)).toMatchObject([
      { kind: "missing_required_input", nodeId: "3", inputName: "images", cause: { nodeId: "2", reason: "bypassed_input_unconnected" } },
    ]);
    graph.edges[0] = buildEdge(1, 0, 2, "image1");
    expect(bundled(graph)).toEqual([]);
  });

  it("gives a wildcard consumer the bypassed node's first input, whatever its type", () => {
    const graph = buildGraph(
      [
        buildNode(1, "EmptyLatentImage", { widgets: { width: 64, height: 64, batch_size: 1 } }),
        buildNode(2, "VAEDecode", { mode: "bypassed" }),
        buildNode(3, "PreviewAny"),
      ],
      [buildEdge(1, 0, 2, "samples"), buildEdge(2, 0, 3, "source")],
    );
    expect(bundled(graph)).toEqual([]);
  });
});

describe("muted nodes of unknown type", () => {
  it("are not reported, and their dependants hear that the source is muted", () => {
    const graph = imageChain({ empty: { type: "SomeCustomLoader", mode: "muted" } });
    expect(kinds(bundled(graph))).toEqual(["missing_required_input@2.image"]);
  });
});
