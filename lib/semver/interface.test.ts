import { describe, expect, it } from "vitest";
import { asNodeId } from "@/lib/graph/model";
import { checkBump, diffInterfaces, inferBump, zTemplateInterface, type TemplateInterface } from "./interface";

const base: TemplateInterface = zTemplateInterface.parse({
  parameters: [
    { name: "prompt", target: { nodeId: "6", input: "text" }, type: "STRING", default: "a fox" },
    { name: "steps", target: { nodeId: "3", input: "steps" }, type: "INT", default: 20, min: 1, max: 100, step: 1 },
    { name: "sampler", target: { nodeId: "3", input: "sampler_name" }, type: "COMBO", default: "euler", options: ["euler", "dpmpp_2m"] },
  ],
  outputs: [{ name: "image", nodeId: "9", type: "IMAGE" }],
});
const edit = (fn: (i: TemplateInterface) => void): TemplateInterface => {
  const copy = structuredClone(base);
  fn(copy);
  return copy;
};

describe("diffInterfaces and inferBump", () => {
  it("finds no change between an interface and itself; internals alone are a patch", () => {
    const diff = diffInterfaces(base, base);
    expect(diff).toEqual({ changes: [] });
    expect(inferBump(diff)).toBe("patch");
  });

  it("requires a major bump for a removed or retyped parameter or output", () => {
    const removed = edit((i) => i.parameters.splice(0, 1));
    expect(diffInterfaces(base, removed)).toEqual({
      changes: [{ kind: "parameter_removed", name: "prompt", bump: "major", reason: 'parameter "prompt" was removed; callers that set it break' }],
    });
    expect(inferBump(diffInterfaces(base, edit((i) => (i.parameters[1]!.type = "FLOAT"))))).toBe("major");
    expect(inferBump(diffInterfaces(base, edit((i) => (i.outputs[0]!.type = "LATENT"))))).toBe("major");
    expect(inferBump(diffInterfaces(base, edit((i) => (i.outputs = []))))).toBe("major");
  });

  it("requires a major bump when accepted values shrink, a minor one when they grow", () => {
    expect(diffInterfaces(base, edit((i) => (i.parameters[1]!.max = 50))).changes.map((c) => [c.kind, c.bump])).toEqual([
      ["parameter_range_narrowed", "major"],
    ]);
    expect(diffInterfaces(base, edit((i) => (i.parameters[1]!.max = 150))).changes.map((c) => [c.kind, c.bump])).toEqual([
      ["parameter_range_widened", "minor"],
    ]);
    expect(diffInterfaces(base, edit((i) => (i.parameters[2]!.options = ["euler"]))).changes.map((c) => [c.kind, c.reason])).toEqual([
      ["parameter_options_removed", 'parameter "sampler" no longer offers "dpmpp_2m"'],
    ]);
    expect(inferBump(diffInterfaces(base, edit((i) => i.parameters[2]!.options!.push("lcm"))))).toBe("minor");
  });

  it("requires a minor bump for an added parameter or output", () => {
    const added = edit((i) => {
      i.parameters.push({ name: "seed", target: { nodeId: asNodeId("3"), input: "seed" }, type: "INT", default: 0 });
      i.outputs.push({ name: "preview", nodeId: asNodeId("10"), type: "IMAGE" });
    });
    expect(diffInterfaces(base, added).changes.map((c) => [c.kind, c.name, c.bump])).toEqual([
      ["parameter_added", "seed", "minor"],
      ["output_added", "preview", "minor"],
    ]);
  });

  it("treats defaults, descriptions, steps and retargeting as a patch", () => {
    const changed = edit((i) => {
      i.parameters[0]!.default = "a cat";
      i.parameters[0]!.description = "What to draw";
      i.parameters[1]!.step = 2;
      i.parameters[1]!.target = { nodeId: asNodeId("30"), input: "steps" };
      i.outputs[0]!.nodeId = asNodeId("90");
    });
    const diff = diffInterfaces(base, changed);
    expect(diff.changes.every((c) => c.bump === "patch")).toBe(true);
    expect(diff.changes.map((c) => c.kind)).toEqual([
      "parameter_default_changed",
      "parameter_description_changed",
      "parameter_step_changed",
      "parameter_retargeted",
      "output_moved",
    ]);
    expect(inferBump(diff)).toBe("patch");
  });
});

describe("checkBump", () => {
  const removal = diffInterfaces(base, edit((i) => i.parameters.splice(1, 1)));

  it("refuses a bump smaller than the diff requires, saying which change needs more", () => {
    expect(checkBump("1.4.2", "1.5.0", removal)).toEqual({
      ok: false,
      required: "major",
      actual: "minor",
      reason: '1.4.2 → 1.5.0 is a minor bump, but parameter "steps" was removed; callers that set it break, which requires a major bump: publish 2.0.0.',
    });
  });

  it("accepts a bump at least as large as required", () => {
    expect(checkBump("1.4.2", "2.0.0", removal)).toEqual({ ok: true, required: "major", actual: "major" });
    expect(checkBump("1.4.2", "1.4.3", diffInterfaces(base, base))).toEqual({ ok: true, required: "patch", actual: "patch" });
    expect(checkBump("1.4.2", "3.0.0", diffInterfaces(base, base))).toMatchObject({ ok: true, actual: "major" });
  });

  it("refuses versions that do not parse or do not move forward", () => {
    expect(checkBump("1.4.2", "1.4.2", removal)).toMatchObject({ ok: false, reason: "1.4.2 is not later than 1.4.2; publish 2.0.0 or later." });
    expect(checkBump("1.4", "2.0.0", removal)).toMatchObject({ ok: false, reason: expect.stringContaining('"1.4" is not a semantic version') });
  });
});
