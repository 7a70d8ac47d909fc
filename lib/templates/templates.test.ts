import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { createStarterDocument } from "@/lib/graph/starter";
import { asNodeId } from "@/lib/graph/model";
import type { TemplateInterface, TemplateParameter } from "@/lib/semver";
import { applyParameters, checkParameterValue, inferRequiredModels, listExposableInputs, planPublish, planTemplateUpgrade } from "./index";
import { getTemplateExportJsonSchema, TEMPLATE_EXPORT_FORMAT, TEMPLATE_VERSION_FORMAT } from "./schema";

const steps: TemplateParameter = { name: "steps", target: { nodeId: asNodeId("3"), input: "steps" }, type: "INT", default: 20, min: 1, max: 100 };
const prompt: TemplateParameter = { name: "prompt", target: { nodeId: asNodeId("6"), input: "text" }, type: "STRING", default: "a lighthouse" };
const iface = (...parameters: TemplateParameter[]): TemplateInterface => ({ parameters, outputs: [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }] });

describe("checkParameterValue", () => {
  it("accepts values of the right type within bounds and explains the rest", () => {
    expect(checkParameterValue(steps, 30)).toBeNull();
    expect(checkParameterValue(steps, 2.5)).toBe('Parameter "steps" needs a whole number, got 2.5.');
    expect(checkParameterValue(steps, 101)).toBe('Parameter "steps" is at most 100, got 101.');
    expect(checkParameterValue({ ...prompt, type: "COMBO", options: ["a", "b"] }, "c")).toBe('Parameter "prompt" must be one of "a", "b"; got "c".');
  });
});

describe("applyParameters", () => {
  it("writes given values and defaults into their target inputs, and names unknown parameters", () => {
    const { document, issues } = applyParameters(createStarterDocument("x"), iface(steps, prompt), { steps: 33, colour: "red" });
    expect(document.graph.nodes.find((n) => n.id === "3")!.widgets.steps).toBe(33);
    expect(document.graph.nodes.find((n) => n.id === "6")!.widgets.text).toBe("a lighthouse");
    expect(issues).toEqual([{ parameter: "colour", message: 'This template has no parameter "colour".' }]);
  });

  it("reports a parameter whose target node is not in the graph", () => {
    const ghost = { ...steps, target: { nodeId: asNodeId("99"), input: "steps" } };
    expect(applyParameters(createStarterDocument("x"), iface(ghost)).issues).toEqual([
      { parameter: "steps", message: 'Parameter "steps" targets node #99, which is not in the graph.' },
    ]);
  });
});

describe("planPublish", () => {
  it("starts at 1.0.0, infers the next version from the interface diff, and refuses a bump that is too small", () => {
    expect(planPublish({ interface: iface(steps) })).toEqual({ ok: true, version: "1.0.0", required: null, changes: [] });
    expect(planPublish({ latest: { version: "1.0.0", interface: iface(steps) }, interface: iface(steps, prompt) })).toMatchObject({ ok: true, version: "1.1.0", required: "minor" });
    expect(planPublish({ latest: { version: "1.0.0", interface: iface(steps) }, interface: iface({ ...steps, default: 25 }) })).toMatchObject({ ok: true, version: "1.0.1", required: "patch" });
    const refused = planPublish({ latest: { version: "1.4.0", interface: iface(steps, prompt) }, requested: "1.5.0", interface: iface(steps) });
    expect(refused).toMatchObject({ ok: false, required: "major" });
    expect(refused.ok ? "" : refused.reason).toBe('1.4.0 → 1.5.0 is a minor bump, but parameter "prompt" was removed; callers that set it break, which requires a major bump: publish 2.0.0.');
  });
});

describe("planTemplateUpgrade", () => {
  it("keeps changed values, lets untouched ones take the new default, and follows renames", () => {
    const doc = createStarterDocument("x");
    const from = { version: "1.0.0", interface: iface(steps, prompt), document: doc };
    const to = { version: "2.0.0", interface: iface({ ...steps, default: 30 }, { ...prompt, name: "positive" }), document: doc, renamedParameters: { positive: "prompt" } };
    const current = applyParameters(doc, from.interface, { prompt: "a boat" }).document;
    const plan = planTemplateUpgrade({ from, to, current });
    expect(plan.carried).toEqual([{ parameter: "positive", from: "prompt", value: "a boat" }]);
    expect(plan.notCarried).toEqual([]);
    expect(plan.document.graph.nodes.find((n) => n.id === "3")!.widgets.steps).toBe(30);
    expect(plan.document.graph.nodes.find((n) => n.id === "6")!.widgets.text).toBe("a boat");
  });

  it("lists a kept value the new version refuses", () => {
    const doc = createStarterDocument("x");
    const from = { version: "1.0.0", interface: iface(steps), document: doc };
    const to = { version: "2.0.0", interface: iface({ ...steps, max: 50 }), document: doc };
    const plan = planTemplateUpgrade({ from, to, current: applyParameters(doc, from.interface, { steps: 80 }).document });
    expect(plan.notCarried).toEqual([{ kind: "value_refused", parameter: "steps", value: 80, message: 'Parameter "steps" is at most 50, got 80. Version 2.0.0 uses its default 20.' }]);
  });
});

describe("export file JSON Schema", () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(getTemplateExportJsonSchema());
  const version = { format: TEMPLATE_VERSION_FORMAT, formatVersion: 1, id: "demo", version: "1.0.0", changelog: "First.", metadata: { title: "Demo", description: "", category: "Generate", tags: [], mediaType: "image", requiredNodes: [], requiredModels: [], minVramGb: 4 }, interface: iface(steps), document: createStarterDocument("x") };

  it("accepts a well-formed file and points at the exact path of a problem", () => {
    expect(validate({ format: TEMPLATE_EXPORT_FORMAT, formatVersion: 1, id: "demo", versions: [version] })).toBe(true);
    const bad = { format: TEMPLATE_EXPORT_FORMAT, formatVersion: 1, id: "demo", versions: [{ ...version, interface: { ...version.interface, parameters: [{ ...steps, type: 3 }] } }] };
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain("/versions/0/interface/parameters/0/type");
  });
});

describe("listExposableInputs and inferRequiredModels", () => {
  it("suggests parameters typed from the catalogue and names the model files with their folders", () => {
    const doc = createStarterDocument("x");
    const inputs = listExposableInputs(doc, BUNDLED_CATALOGUE);
    expect(inputs.find((i) => i.input === "steps")?.suggestion).toEqual({ name: "steps", target: { nodeId: "3", input: "steps" }, type: "INT", default: 20, min: 1, max: 10000 });
    expect(inputs.find((i) => i.input === "sampler_name")?.suggestion).toMatchObject({ type: "COMBO", default: "euler", options: expect.arrayContaining(["euler", "dpmpp_2m"]) });
    expect(inputs.filter((i) => i.input === "text").map((i) => [i.nodeLabel, i.suggestion.name])).toEqual([["#6 Positive prompt", "text"], ["#7 Negative prompt", "text_2"]]);
    expect(inferRequiredModels(doc)).toEqual([{ name: "v1-5-pruned-emaonly.safetensors", folder: "checkpoints" }]);
  });
});
