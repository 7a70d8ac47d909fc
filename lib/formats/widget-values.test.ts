import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zNodeCatalogue, type NodeCatalogue, type NodeDefinition } from "@/lib/graph/catalogue";
import type { JsonValue } from "@/lib/graph/model";
import { validateGraph } from "@/lib/graph/validate";
import { compileToPrompt } from "@/lib/compile";
import { buildDocument, buildGraph, buildNode } from "@/lib/testing";
import { importUiWorkflow } from "./ui";
import { exportUiWorkflow } from "./ui-export";
import { listWidgetSlots, nameWidgetValues, positionWidgetValues } from "./widget-values";

// Real definitions from ComfyUI 0.8.0's /object_info.
const shared = join(import.meta.dirname, "../../../shared");
const catalogue: NodeCatalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "comfyui/object_info.json"), "utf8")));
const def = (type: string): NodeDefinition => catalogue[type]!;

/** A one-node UI workflow around `widgets_values`, as ComfyUI saves it. */
function uiWith(type: string, widgets_values: JsonValue[]): unknown {
  return {
    last_node_id: 1,
    last_link_id: 0,
    nodes: [{ id: 1, type, pos: [0, 0], size: [300, 300], flags: {}, order: 0, mode: 0, inputs: [], outputs: [], properties: {}, widgets_values }],
    links: [],
    groups: [],
    config: {},
    extra: {},
    version: 0.4,
  };
}

/** The widgets_values of the first node of an exported UI workflow. */
function exportedValues(workflow: Record<string, unknown>): unknown {
  return (workflow.nodes as { widgets_values?: unknown }[])[0]!.widgets_values;
}

function roundTrip(type: string, values: JsonValue[]): { widgets: Record<string, JsonValue>; exported: unknown } {
  const imported = importUiWorkflow(uiWith(type, values), { catalogue });
  if (!imported.ok) throw new Error(imported.error.message);
  const node = imported.document.graph.nodes[0]!;
  const exported = exportedValues(exportUiWorkflow(imported.document, catalogue));
  return { widgets: node.widgets, exported };
}

describe("widget slots of frontend-only widgets", () => {
  it("gives WebcamCapture's WEBCAM input a frontend slot before width, height and capture_on_queue", () => {
    expect(listWidgetSlots(def("WebcamCapture")).map((s) => [s.name, s.kind, s.frontendValue])).toEqual([
      ["image", "frontend", ""],
      ["width", "value", undefined],
      ["height", "value", undefined],
      ["capture_on_queue", "value", undefined],
    ]);
  });

  it("gives Load3D's LOAD_3D viewport a frontend slot between model_file and width", () => {
    expect(listWidgetSlots(def("Load3D")).map((s) => [s.name, s.kind])).toEqual([
      ["model_file", "value"],
      ["image", "frontend"],
      ["width", "value"],
      ["height", "value"],
    ]);
  });

  it("puts the image upload button after the required widgets, as the frontend's upload extension appends it", () => {
    expect(listWidgetSlots(def("LoadImage")).map((s) => [s.name, s.kind, s.frontendValue])).toEqual([
      ["image", "value", undefined],
      ["upload", "frontend", "image"],
    ]);
    expect(listWidgetSlots(def("LoadImageMask")).map((s) => [s.name, s.kind])).toEqual([
      ["image", "value"],
      ["channel", "value"],
      ["upload", "frontend"],
    ]);
  });
});

describe("import and export of frontend-only widget values", () => {
  it("reads WebcamCapture's width, height and capture_on_queue past the webcam view, and writes the file back exactly", () => {
    const values = ["", 480, 360, true, "capture"];
    const { widgets, exported } = roundTrip("WebcamCapture", values);
    expect(widgets).toEqual({ width: 480, height: 360, capture_on_queue: true });
    expect(exported).toEqual(values);
  });

  it("reads Load3D saved with the viewport slot and with the upload buttons before it, and writes each back exactly", () => {
    const plain = ["model.glb", "", 512, 768];
    expect(roundTrip("Load3D", plain)).toEqual({ widgets: { model_file: "model.glb", width: 512, height: 768 }, exported: plain });
    const withButtons = ["none", "upload3dmodel", "uploadExtraResources", "clear", "", 768, 512];
    expect(roundTrip("Load3D", withButtons)).toEqual({ widgets: { model_file: "none", width: 768, height: 512 }, exported: withButtons });
  });

  it("keeps LoadImage's upload marker out of the widget values and in place on export", () => {
    expect(roundTrip("LoadImage", ["photo.png", "image"])).toEqual({ widgets: { image: "photo.png" }, exported: ["photo.png", "image"] });
    expect(roundTrip("LoadImageMask", ["mask.png", "red", "image"])).toEqual({ widgets: { image: "mask.png", channel: "red" }, exported: ["mask.png", "red", "image"] });
  });

  it("exports a file saved without the frontend-only values without adding them", () => {
    expect(roundTrip("LoadImage", ["photo.png"])).toEqual({ widgets: { image: "photo.png" }, exported: ["photo.png"] });
  });

  it("does not take a number for the webcam view when a file lacks that slot", () => {
    const named = nameWidgetValues(def("WebcamCapture"), [640, 480, false]);
    expect(named).toMatchObject({ widgets: { width: 640, height: 480, capture_on_queue: false }, frontend: [], tail: [] });
  });

  it("writes what ComfyUI saves for fresh nodes made outside a file", () => {
    expect(positionWidgetValues(def("WebcamCapture"), { width: 0, height: 0, capture_on_queue: true }, undefined)).toEqual(["", 0, 0, true]);
    expect(positionWidgetValues(def("Load3D"), { model_file: "a.glb", width: 1024, height: 1024 }, undefined)).toEqual(["a.glb", "", 1024, 1024]);
    expect(positionWidgetValues(def("LoadImage"), { image: "a.png" }, undefined)).toEqual(["a.png", "image"]);
    const doc = buildDocument(buildGraph([buildNode(1, "LoadImage", { widgets: { image: "a.png" } })]));
    expect(exportedValues(exportUiWorkflow(doc, catalogue))).toEqual(["a.png", "image"]);
  });

  it("reports a WebcamCapture from a file as needing its image, which only the browser can capture", () => {
    const imported = importUiWorkflow(uiWith("WebcamCapture", ["", 480, 360, true, "capture"]), { catalogue });
    if (!imported.ok) throw new Error(imported.error.message);
    const issues = validateGraph(imported.document.graph, catalogue).filter((i) => i.kind !== "no_output_node");
    expect(issues.map((i) => [i.kind, "inputName" in i ? i.inputName : undefined])).toEqual([["missing_required_input", "image"]]);
  });
});

describe("V3 dynamic combos (COMFY_DYNAMICCOMBO_V3)", () => {
  it("reads the widgets a choice inserts after the combo under <combo>.<input> names, and writes the file back exactly", () => {
    const values = ["scale dimensions", 512, 384, "center", "area"];
    const { widgets, exported } = roundTrip("ResizeImageMaskNode", values);
    expect(widgets).toEqual({ resize_type: "scale dimensions", "resize_type.width": 512, "resize_type.height": 384, "resize_type.crop": "center", scale_method: "area" });
    expect(exported).toEqual(values);
  });

  it("gives a linked choice input no slot, only its widget inputs", () => {
    const values = ["match size", "disabled", "bilinear"];
    expect(roundTrip("ResizeImageMaskNode", values)).toEqual({
      widgets: { resize_type: "match size", "resize_type.crop": "disabled", scale_method: "bilinear" },
      exported: values,
    });
  });

  it("validates the combo against its choices and compiles the inserted widgets under their prompt names", () => {
    const doc = buildDocument(
      buildGraph([buildNode(1, "ResizeImageMaskNode", { widgets: { resize_type: "scale by multiplier", "resize_type.multiplier": 2, scale_method: "area" } })]),
    );
    expect(positionWidgetValues(def("ResizeImageMaskNode"), doc.graph.nodes[0]!.widgets, undefined)).toEqual(["scale by multiplier", 2, "area"]);
    expect(compileToPrompt(doc, catalogue).prompt["1"]?.inputs).toEqual({ resize_type: "scale by multiplier", "resize_type.multiplier": 2, scale_method: "area" });
    const wrong = buildGraph([buildNode(1, "ResizeImageMaskNode", { widgets: { resize_type: "scale sideways", scale_method: "area" } })]);
    expect(validateGraph(wrong, catalogue).filter((i) => i.kind === "value_not_in_list").map((i) => ("inputName" in i ? i.inputName : undefined))).toEqual(["resize_type"]);
  });
});
