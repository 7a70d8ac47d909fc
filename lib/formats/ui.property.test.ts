import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { hashDocument } from "@/lib/graph/hash";
import { getNodeDefinition, listInputs, listOutputs } from "@/lib/graph/node-def";
import { importApiPrompt } from "./api";
import { importUiWorkflow } from "./ui";
import { exportUiWorkflow } from "./ui-export";
import { CONTROL_VALUES, listWidgetSlots, type WidgetSlot } from "./widget-values";

const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../../shared/comfyui/object_info.json"), "utf8")));
const TYPES = ["KSampler", "EmptyImage", "ImageInvert", "SaveImage", "CLIPTextEncode", "ImageScale", "Reroute", "PrimitiveNode", "Note", "MyCustomNode"];

// -0 does not survive JSON, and ComfyUI files never hold it.
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((x) => (Object.is(x, -0) ? 0 : x));
const scalar = fc.oneof(fc.integer(), finite, fc.string(), fc.boolean(), fc.constant(null));

function slotValue(slot: WidgetSlot): fc.Arbitrary<unknown> {
  if (slot.kind === "control") return fc.constantFrom(...CONTROL_VALUES);
  switch (slot.input.widgetType) {
    case "INT":
      return fc.integer();
    case "FLOAT":
      return finite;
    case "BOOLEAN":
      return fc.boolean();
    case "COMBO":
      return slot.input.comboValues && slot.input.comboValues.length > 0 ? fc.constantFrom(...slot.input.comboValues) : fc.string();
    default:
      return fc.string();
  }
}

const uiNode = (id: number) =>
  fc.constantFrom(...TYPES).chain((type) => {
    const def = getNodeDefinition(catalogue, type);
    const widgets: fc.Arbitrary<unknown[]> = def
      ? fc.tuple(...listWidgetSlots(def).map(slotValue))
      : type === "PrimitiveNode"
        ? fc.tuple(fc.integer(), fc.constantFrom(...CONTROL_VALUES))
        : type === "Note"
          ? fc.tuple(fc.string())
          : type === "Reroute"
            ? fc.constant([])
            : fc.array(scalar, { maxLength: 4 });
    const inputs = def
      ? listInputs(def).filter((i) => i.kind === "link").map((i) => ({ name: i.name, type: i.type, link: null as number | null }))
      : type === "Reroute" || type === "MyCustomNode"
        ? [{ name: "", type: "*", link: null as number | null }]
        : [];
    const outputs = def ? listOutputs(def).map((o) => ({ name: o.name, type: o.type, links: [] as number[] })) : type === "Note" ? [] : [{ name: "out", type: "*", links: [] as number[] }];
    return fc.record({
      widgets_values: widgets,
      mode: fc.constantFrom(0, 2, 4),
      title: fc.option(fc.string(), { nil: undefined }),
      pos: fc.tuple(finite, finite),
    }).map((r) => ({ id, type, pos: r.pos, size: [200, 100], flags: {}, order: id, mode: r.mode, inputs, outputs, properties: {}, widgets_values: r.widgets_values, ...(r.title === undefined ? {} : { title: r.title }) }));
  });

const uiWorkflow = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => uiNode(i + 1))), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 20 })))
  .map(([nodes, wishes]) => {
    const links: unknown[][] = [];
    let nextLink = 1;
    for (const [a, slotA, b, slotB] of wishes) {
      const from = nodes[a % nodes.length]!;
      const to = nodes[b % nodes.length]!;
      if (from.outputs.length === 0 || to.inputs.length === 0) continue;
      const out = from.outputs[slotA % from.outputs.length]!;
      const input = to.inputs[slotB % to.inputs.length]!;
      if (input.link !== null) continue;
      const id = nextLink++;
      input.link = id;
      out.links.push(id);
      links.push([id, from.id, from.outputs.indexOf(out), to.id, to.inputs.indexOf(input), out.type]);
    }
    return { last_node_id: nodes.length, last_link_id: nextLink - 1, nodes, links, groups: [], config: {}, extra: { ds: { scale: 1, offset: [0, 0] } }, version: 0.4 };
  });

describe("UI import/export (property)", () => {
  it("import → export → import keeps the semantic graph and every widgets_values array", () => {
    fc.assert(
      fc.property(uiWorkflow, (workflow) => {
        const json = JSON.parse(JSON.stringify(workflow));
        const first = importUiWorkflow(json, { catalogue });
        if (!first.ok) throw new Error(first.error.message);
        const exported = JSON.parse(JSON.stringify(exportUiWorkflow(first.document, catalogue)));
        const second = importUiWorkflow(exported, { catalogue });
        if (!second.ok) throw new Error(second.error.message);
        expect(hashDocument(second.document)).toBe(hashDocument(first.document));
        const strip = (d: typeof first.document) => d.graph.nodes.map(({ extra: _extra, ...rest }) => rest);
        expect(strip(second.document)).toEqual(strip(first.document));
        expect(second.document.graph.edges).toEqual(first.document.graph.edges);
        expect(exported.nodes.map((n: { widgets_values: unknown }) => n.widgets_values)).toEqual(json.nodes.map((n: { widgets_values: unknown }) => n.widgets_values));
        expect(exported.links).toEqual(json.links);
      }),
      { numRuns: 200 },
    );
  });
});

const API_TYPES = ["KSampler", "EmptyImage", "ImageInvert", "SaveImage", "CLIPTextEncode", "PrimitiveInt", "SomeCustomNode"];
const apiPrompt = fc
  .array(
    fc.record({
      type: fc.constantFrom(...API_TYPES),
      literals: fc.dictionary(fc.constantFrom("seed", "steps", "text", "width", "value", "extra_thing", "filename_prefix"), fc.oneof(scalar, fc.array(fc.integer(), { maxLength: 3 })), { maxKeys: 4 }),
      links: fc.array(fc.tuple(fc.constantFrom("model", "image", "images", "clip", "seed", "positive"), fc.nat(), fc.nat(3)), { maxLength: 3 }),
      title: fc.option(fc.string(), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 10 },
  )
  .map((nodes) => {
    const prompt: Record<string, unknown> = {};
    nodes.forEach((n, i) => {
      const inputs: Record<string, unknown> = { ...n.literals };
      for (const [name, source, slot] of n.links) inputs[name] = [`${(source % nodes.length) + 1}`, slot];
      prompt[`${i + 1}`] = { class_type: n.type, inputs, ...(n.title === undefined ? {} : { _meta: { title: n.title } }) };
    });
    return prompt;
  });

describe("API prompt → UI export (property)", () => {
  it("an imported API prompt exported as a UI workflow imports back to the same hash", () => {
    fc.assert(
      fc.property(apiPrompt, (prompt) => {
        const first = importApiPrompt(prompt);
        if (!first.ok) throw new Error(first.error.message);
        const exported = JSON.parse(JSON.stringify(exportUiWorkflow(first.document, catalogue)));
        const second = importUiWorkflow(exported, { catalogue });
        if (!second.ok) throw new Error(second.error.message);
        expect(hashDocument(second.document)).toBe(hashDocument(first.document));
      }),
      { numRuns: 200 },
    );
  });
});
