import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WorkflowDocument } from "@/lib/graph/model";
import type { TemplateInterface } from "@/lib/semver";
import type { TemplateMetadata } from "@/lib/templates";
import { isAppError } from "@/server/errors";
import { BUILTIN_TEMPLATES_DIR } from "@/server/services";
import { openDatabase, type Db } from "@/server/store/db";
import { createTemplateRepository } from "@/server/store/templates";
import { createWorkflowRepository } from "@/server/store/workflows";
import { createTemplateService } from "./service";

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "atelier-tpl-"));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const workflows = createWorkflowRepository(db);
  const service = createTemplateService({ db, workflows, templates: createTemplateRepository(db) });
  service.loadBuiltins(BUILTIN_TEMPLATES_DIR);
  return { workflows, service };
}

function caught(f: () => unknown): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  throw new Error("expected an error");
}

const widget = (doc: WorkflowDocument, nodeId: string, input: string) => doc.graph.nodes.find((n) => n.id === nodeId)?.widgets[input];

describe("template service", () => {
  it("loads the built-in templates once, and again without adding anything", () => {
    const { service } = setup();
    expect(service.list().map((t) => [t.id, t.latestVersion])).toEqual([
      ["controlnet", "1.1.0"],
      ["hires-fix", "1.1.0"],
      ["img2img", "1.1.0"],
      ["inpaint", "2.0.0"],
      ["lora-stack", "2.0.0"],
      ["txt2img-sd15", "2.0.0"],
      ["txt2img-sdxl", "1.1.0"],
      ["upscale-model", "1.1.0"],
    ]);
    expect(service.loadBuiltins(BUILTIN_TEMPLATES_DIR).added).toBe(0);
    expect(db.prepare("SELECT COUNT(*) AS n FROM template_versions").get()).toEqual({ n: 19 });
  });

  it("refuses to change a published version row", () => {
    setup();
    expect(() => db.prepare("UPDATE template_versions SET changelog = 'x' WHERE template_id = 'img2img'").run()).toThrow(/immutable/);
  });

  it("creates a workflow from a version with the given parameter values and records its origin", () => {
    const { service } = setup();
    const { workflow, issues } = service.use({ templateId: "txt2img-sd15", version: "1.1.0", values: { prompt: "a red boat", width: 768 } });
    expect(issues).toEqual([]);
    expect(workflow.template).toEqual({ id: "txt2img-sd15", version: "1.1.0" });
    expect(widget(workflow.document, "6", "text")).toBe("a red boat");
    expect(widget(workflow.document, "5", "width")).toBe(768);
    expect(workflow.head.message).toBe("Created from template txt2img-sd15@1.1.0");
  });

  it("reports a value out of range and uses the default instead", () => {
    const { service } = setup();
    const { workflow, issues } = service.use({ templateId: "txt2img-sd15", version: "1.1.0", values: { width: 99999 } });
    expect(issues).toEqual([{ parameter: "width", message: 'Parameter "width" is at most 2048, got 99999. The default 512 is used instead.' }]);
    expect(widget(workflow.document, "5", "width")).toBe(512);
  });

  it("upgrades 1.x to 2.0.0 keeping set values (following a rename) and listing what could not come along", () => {
    const { service, workflows } = setup();
    const { workflow } = service.use({ templateId: "txt2img-sd15", version: "1.0.0", values: { prompt: "a red boat", steps: 30 } });
    // An edit outside the parameters: the scheduler is not exposed.
    const edited = { ...workflow.document, graph: { ...workflow.document.graph, nodes: workflow.document.graph.nodes.map((n) => (n.id === "3" ? { ...n, widgets: { ...n.widgets, scheduler: "karras" } } : n)) } };
    const saved = workflows.save({ id: workflow.id, baseVersionId: workflow.head.id, document: edited });
    const result = service.upgrade({ workflowId: workflow.id, baseVersionId: saved.version.id });
    expect(result).toMatchObject({ from: "1.0.0", to: "2.0.0" });
    expect(result.carried).toEqual([{ parameter: "positive_prompt", from: "prompt", value: "a red boat" }, { parameter: "steps", value: 30 }]);
    expect(result.notCarried).toEqual([
      { kind: "graph_edit", nodeId: "3", message: "Your edits to node #3 (scheduler) are not parameters and are not carried to version 2.0.0." },
    ]);
    const after = workflows.getOrThrow(workflow.id);
    expect(after.template).toEqual({ id: "txt2img-sd15", version: "2.0.0" });
    expect(widget(after.document, "6", "text")).toBe("a red boat");
    expect(widget(after.document, "3", "steps")).toBe(30);
    expect(after.head.message).toBe("Upgraded template txt2img-sd15 1.0.0 → 2.0.0");
  });

  it("moves only the template pointer when the upgraded graph equals what the person has", () => {
    const { service, workflows } = setup();
    const { workflow } = service.use({ templateId: "txt2img-sd15", version: "1.1.0", values: { prompt: "same" } });
    const result = service.upgrade({ workflowId: workflow.id, toVersion: "2.0.0", baseVersionId: workflow.head.id });
    expect(result).toMatchObject({ created: false, from: "1.1.0", to: "2.0.0", carried: [{ parameter: "positive_prompt", from: "prompt", value: "same" }], notCarried: [] });
    expect(workflows.history({ id: workflow.id }).total).toBe(1);
    expect(workflows.getOrThrow(workflow.id).template).toEqual({ id: "txt2img-sd15", version: "2.0.0" });
  });

  it("lists a set value whose parameter was removed in the new major version", () => {
    const { service } = setup();
    const { workflow } = service.use({ templateId: "inpaint", version: "1.0.0", values: { grow_mask_by: 12 } });
    const plan = service.planUpgrade({ workflowId: workflow.id });
    expect(plan.notCarried).toEqual([
      { kind: "parameter_removed", parameter: "grow_mask_by", value: 12, message: 'Version 2.0.0 has no parameter "grow_mask_by"; your value 12 cannot be kept.' },
    ]);
  });

  it("publishes a workflow as a template, infers the next version, and refuses a too-small bump with the reason", () => {
    const { service, workflows } = setup();
    const { workflow } = service.use({ templateId: "txt2img-sd15", version: "1.0.0" });
    const iface: TemplateInterface = { parameters: [{ name: "prompt", target: { nodeId: "6" as never, input: "text" }, type: "STRING", default: "x" }], outputs: [] };
    const metadata: TemplateMetadata = { title: "Mine", description: "", category: "Mine", tags: [], mediaType: "image", requiredNodes: [], requiredModels: [], minVramGb: 4 };
    expect(service.publish({ templateId: "mine", workflowId: workflow.id, interface: iface, metadata, changelog: "first" })).toMatchObject({ version: "1.0.0" });
    const bigger: TemplateInterface = { ...iface, parameters: [...iface.parameters, { name: "steps", target: { nodeId: "3" as never, input: "steps" }, type: "INT", default: 20 }] };
    expect(service.publish({ templateId: "mine", workflowId: workflow.id, interface: bigger, metadata, changelog: "steps" })).toMatchObject({ version: "1.1.0", required: "minor" });
    const smaller: TemplateInterface = { ...iface, parameters: [bigger.parameters[1]!] };
    const refused = caught(() => service.publish({ templateId: "mine", workflowId: workflow.id, version: "1.2.0", interface: smaller, metadata, changelog: "no prompt" }));
    expect(refused.code).toBe("BAD_INPUT");
    expect(refused.message).toBe('1.1.0 → 1.2.0 is a minor bump, but parameter "prompt" was removed; callers that set it break, which requires a major bump: publish 2.0.0.');
    expect(workflows.getOrThrow(workflow.id).template).toEqual({ id: "mine", version: "1.1.0" });
  });

  it("refuses to publish into a built-in template, which only changes with Atelier itself", () => {
    const { service } = setup();
    const { workflow } = service.use({ templateId: "img2img" });
    const latest = service.get("img2img").versions[0]!;
    const refused = caught(() => service.publish({ templateId: "img2img", workflowId: workflow.id, interface: latest.interface, metadata: latest.metadata, changelog: "mine" }));
    expect(refused).toEqual({ code: "BAD_INPUT", message: '"img2img" is a built-in template and only changes with Atelier itself; publish your version under a new template id.', details: {} });
  });

  it("exports a template with every version and imports it into another store unchanged", () => {
    const { service } = setup();
    const file = service.exportTemplate("lora-stack");
    expect(file.versions.map((v) => v.version)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    expect(file.versions[2]!.renamedParameters).toEqual({ lora_1_strength: "strength_1", lora_2_strength: "strength_2", lora_3_strength: "strength_3" });
    db.close();
    db = openDatabase(join(dir, "other"));
    const other = createTemplateService({ db, workflows: createWorkflowRepository(db), templates: createTemplateRepository(db) });
    expect(other.importTemplate(JSON.stringify(file))).toEqual({ templateId: "lora-stack", added: 3, versions: ["1.0.0", "1.1.0", "2.0.0"] });
    expect(other.exportTemplate("lora-stack")).toEqual(file);
    expect(other.importTemplate(JSON.stringify(file)).added).toBe(0);
  });

  it("refuses a bad import file with the exact JSON path of the problem", () => {
    const { service } = setup();
    const file = service.exportTemplate("img2img") as unknown as { versions: { document: { graph: { nodes: Record<string, unknown>[] } } }[] };
    delete file.versions[1]!.document.graph.nodes[2]!.type;
    const refused = caught(() => service.importTemplate(JSON.stringify(file)));
    expect(refused.code).toBe("BAD_INPUT");
    expect(refused.details?.problems).toEqual([{ path: "/versions/1/document/graph/nodes/2", message: '/versions/1/document/graph/nodes/2 is missing "type".' }]);
    const syntax = caught(() => service.importTemplate('{"format": "atelier.template-export",\n  "id": }'));
    expect(syntax.message).toMatch(/line 2, column 9/);
  });

  it("refuses an import whose version differs from the one already published", () => {
    const { service } = setup();
    const file = service.exportTemplate("img2img");
    file.versions[0]!.changelog = "rewritten history";
    expect(caught(() => service.importTemplate(JSON.stringify(file)))).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/img2img.*1\.0\.0 is already published with different content/) });
  });
});
