import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zNodeCatalogue, type NodeDefinition } from "./catalogue";
import {
  areTypesCompatible,
  getInput,
  getNodeDefinition,
  isOutputNode,
  isVirtualNodeType,
  listInputs,
  listOutputs,
  listWidgetInputs,
} from "./node-def";

const captured = zNodeCatalogue.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, "../../../shared/comfyui/object_info.json"), "utf8")),
);
const def = (type: string): NodeDefinition => {
  const found = getNodeDefinition(captured, type);
  if (!found) throw new Error(`${type} missing from the capture`);
  return found;
};

describe("listInputs", () => {
  it("lists KSampler's inputs in input_order, links and widgets classified", () => {
    expect(listInputs(def("KSampler")).map((i) => [i.name, i.kind, i.type, i.required])).toEqual([
      ["model", "link", "MODEL", true],
      ["seed", "widget", "INT", true],
      ["steps", "widget", "INT", true],
      ["cfg", "widget", "FLOAT", true],
      ["sampler_name", "widget", "COMBO", true],
      ["scheduler", "widget", "COMBO", true],
      ["positive", "link", "CONDITIONING", true],
      ["negative", "link", "CONDITIONING", true],
      ["latent_image", "link", "LATENT", true],
      ["denoise", "widget", "FLOAT", true],
    ]);
  });

  it("puts optional inputs after required ones and keeps their options", () => {
    const inputs = listInputs(def("RegexReplace"));
    expect(inputs.map((i) => `${i.name}:${i.required ? "req" : "opt"}`)).toEqual([
      "string:req", "regex_pattern:req", "replace:req", "case_insensitive:opt", "multiline:opt", "dotall:opt", "count:opt",
    ]);
    expect(getInput(def("RegexReplace"), "count")).toMatchObject({ widgetType: "INT", options: { default: 0, min: 0, max: 100 } });
  });

  it("reads old-style list combos and new-style COMBO options alike", () => {
    expect(getInput(def("ImageScale"), "crop")?.comboValues).toEqual(["disabled", "center"]);
    const newStyle = Object.values(captured).flatMap((d) => listInputs(d)).find((i) => i.options.options !== undefined);
    expect(newStyle?.widgetType).toBe("COMBO");
    expect(newStyle?.comboValues).toBe(newStyle?.options.options);
  });

  it("falls back to key order when a definition has no input_order", () => {
    const bare: NodeDefinition = { name: "X", input: { required: { b: ["INT"], a: ["IMAGE"] } }, output: [] };
    expect(listInputs(bare).map((i) => i.name)).toEqual(["b", "a"]);
    expect(listWidgetInputs(bare).map((i) => i.name)).toEqual(["b"]);
  });

  it("classifies wildcard and union types as link inputs", () => {
    expect(getInput(def("PreviewAny"), "source")).toMatchObject({ kind: "link", type: "*" });
  });
});

describe("listOutputs and isOutputNode", () => {
  it("names outputs and tells output nodes apart", () => {
    expect(listOutputs(def("CheckpointLoaderSimple"))).toEqual([
      { index: 0, type: "MODEL", name: "MODEL", isList: false },
      { index: 1, type: "CLIP", name: "CLIP", isList: false },
      { index: 2, type: "VAE", name: "VAE", isList: false },
    ]);
    expect(isOutputNode(def("SaveImage"))).toBe(true);
    expect(isOutputNode(def("ImageInvert"))).toBe(false);
  });
});

describe("isVirtualNodeType", () => {
  it("knows the frontend-only types and none of the server's", () => {
    expect(["Reroute", "PrimitiveNode", "Note", "MarkdownNote"].every(isVirtualNodeType)).toBe(true);
    expect(Object.keys(captured).filter(isVirtualNodeType)).toEqual([]);
  });
});

describe("getNodeDefinition", () => {
  it("does not mistake prototype members for node types", () => {
    expect(getNodeDefinition(captured, "constructor")).toBeUndefined();
    expect(getNodeDefinition(captured, "__proto__")).toBeUndefined();
  });
});

describe("areTypesCompatible", () => {
  it("follows ComfyUI's validate_node_input rules", () => {
    expect(areTypesCompatible("IMAGE", "IMAGE")).toBe(true);
    expect(areTypesCompatible("IMAGE", "LATENT")).toBe(false);
    expect(areTypesCompatible("*", "LATENT")).toBe(true);
    expect(areTypesCompatible("IMAGE", "*")).toBe(true);
    expect(areTypesCompatible("IMAGE", "IMAGE,MASK")).toBe(true);
    expect(areTypesCompatible("MASK,IMAGE", "IMAGE")).toBe(true);
    expect(areTypesCompatible("MODEL_TASK_ID, RIG_TASK_ID", "RIG_TASK_ID")).toBe(true);
    expect(areTypesCompatible("LATENT,MASK", "IMAGE")).toBe(false);
  });
});
