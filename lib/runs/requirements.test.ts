import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE, type NodeCatalogue, type WorkflowDocument } from "@/lib/graph";
import { buildDocument, buildGraph, buildNode, buildTxt2ImgGraph } from "@/lib/testing";
import { catalogueComboValues, checkTemplateAgainstCatalogue, findMissingNodeTypes, nodeTypesOf } from "./requirements";

const URL = "http://gpu-box:8188";

/** The bundled catalogue with CheckpointLoaderSimple offering `files` as its checkpoints. */
function catalogueWithCheckpoints(files: string[]): NodeCatalogue {
  const loader = structuredClone(BUNDLED_CATALOGUE.CheckpointLoaderSimple!);
  loader.input.required!.ckpt_name = [files];
  return { ...BUNDLED_CATALOGUE, CheckpointLoaderSimple: loader };
}

function withSubgraph(): WorkflowDocument {
  const doc = buildDocument(buildGraph([buildNode(1, "sub-1"), buildNode(2, "FancyUpscaler"), buildNode(3, "Reroute"), buildNode(4, "Note")]));
  const inner = buildGraph([buildNode(1, "FancyUpscaler"), buildNode(2, "OtherCustom"), buildNode(3, "PrimitiveNode")]);
  doc.subgraphs = [{ id: "sub-1", name: "Detailer", inputs: [], outputs: [], graph: inner, layout: structuredClone(doc.layout) }];
  return doc;
}

describe("nodeTypesOf", () => {
  it("lists each type sent to ComfyUI with every node using it, root graph first, without subgraph instances or frontend-only nodes", () => {
    expect([...nodeTypesOf(withSubgraph())]).toEqual([
      ["FancyUpscaler", ["node 2", 'subgraph "Detailer" node 1']],
      ["OtherCustom", ['subgraph "Detailer" node 2']],
    ]);
  });
});

describe("findMissingNodeTypes", () => {
  it("names the type, the server, the first node needing it and how many more do", () => {
    const issues = findMissingNodeTypes(withSubgraph(), BUNDLED_CATALOGUE, URL);
    expect(issues).toEqual([
      {
        nodeId: "2",
        classType: "FancyUpscaler",
        inputName: null,
        type: "missing-node-type",
        message: `ComfyUI at ${URL} has no node type "FancyUpscaler" (needed by node 2 and 1 more); install the custom node that provides it.`,
      },
      { nodeId: "2", classType: "OtherCustom", inputName: null, type: "missing-node-type", message: expect.stringContaining('(needed by subgraph "Detailer" node 2);') },
    ]);
  });

  it("says what the node belongs to when told, and hints at an older ComfyUI for a core type it lacks", () => {
    const catalogue = { ...BUNDLED_CATALOGUE };
    delete catalogue.KSampler;
    const [issue] = findMissingNodeTypes(buildDocument(buildTxt2ImgGraph()), catalogue, URL, 'this workflow, made from template "txt2img-sd15" 1.1.0');
    expect(issue!.message).toBe(`ComfyUI at ${URL} has no node type "KSampler" (needed by node 3 of this workflow, made from template "txt2img-sd15" 1.1.0); it may be an older ComfyUI.`);
  });

  it("finds nothing when the server has every type", () => {
    expect(findMissingNodeTypes(buildDocument(buildTxt2ImgGraph()), BUNDLED_CATALOGUE, URL)).toEqual([]);
  });
});

describe("checkTemplateAgainstCatalogue", () => {
  const metadata = (requiredNodes: string[], models: string[]) => ({ requiredNodes, requiredModels: models.map((name) => ({ name, folder: "checkpoints" })) });

  it("collects every combo value the catalogue offers", () => {
    const values = catalogueComboValues(catalogueWithCheckpoints(["a.safetensors", "sdxl/b.safetensors"]));
    expect(values.has("a.safetensors")).toBe(true);
    expect(values.has("sdxl/b.safetensors")).toBe(true);
    expect(values.has("euler")).toBe(true);
  });

  it("is empty when the server has the graph's node types and the declared models, even in a subfolder", () => {
    const catalogue = catalogueWithCheckpoints(["a.safetensors", "sdxl\\b.safetensors"]);
    const doc = buildDocument(buildTxt2ImgGraph());
    expect(checkTemplateAgainstCatalogue({ document: doc, metadata: metadata(["KSampler"], ["a.safetensors", "b.safetensors"]) }, catalogue, catalogueComboValues(catalogue))).toEqual({ nodeTypes: [], models: [] });
  });

  it("lists node types of the graph (with their nodes) and of the metadata, and models no loader offers", () => {
    const catalogue = catalogueWithCheckpoints(["a.safetensors"]);
    const doc = withSubgraph();
    const shortfall = checkTemplateAgainstCatalogue({ document: doc, metadata: metadata(["FancyUpscaler", "DeclaredOnly", "Reroute"], ["a.safetensors", "missing.safetensors"]) }, catalogue, catalogueComboValues(catalogue));
    expect(shortfall).toEqual({
      nodeTypes: [
        { classType: "FancyUpscaler", nodes: ["node 2", 'subgraph "Detailer" node 1'] },
        { classType: "OtherCustom", nodes: ['subgraph "Detailer" node 2'] },
        { classType: "DeclaredOnly", nodes: [] },
      ],
      models: [{ name: "missing.safetensors", folder: "checkpoints" }],
    });
  });

  it("does not take a name that only ends like a listed file for that file", () => {
    const catalogue = catalogueWithCheckpoints(["my-a.safetensors"]);
    expect(checkTemplateAgainstCatalogue({ document: buildDocument(buildTxt2ImgGraph()), metadata: metadata([], ["a.safetensors"]) }, catalogue, catalogueComboValues(catalogue)).models).toHaveLength(1);
  });
});
