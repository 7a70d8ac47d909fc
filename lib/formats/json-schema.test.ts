import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { compileToPrompt } from "@/lib/compile";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { zWorkflowDocument, type WorkflowDocument } from "@/lib/graph/model";
import { importWorkflow } from "./detect";
import { API_PROMPT_JSON_SCHEMA, getJsonSchema, UI_WORKFLOW_JSON_SCHEMA, WORKFLOW_DOCUMENT_JSON_SCHEMA } from "./json-schema";
import { exportUiWorkflow } from "./ui-export";

const corpus = join(import.meta.dirname, "../../../shared/corpus");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(corpus, "../comfyui/object_info.json"), "utf8")));

// strict: true makes ajv throw on anything in a schema it would otherwise silently ignore.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictTuples: false });
const validateDocument = ajv.compile(WORKFLOW_DOCUMENT_JSON_SCHEMA);
const validateUi = ajv.compile(UI_WORKFLOW_JSON_SCHEMA);
const validateApi = ajv.compile(API_PROMPT_JSON_SCHEMA);

const readJson = (file: string): unknown => JSON.parse(readFileSync(join(corpus, file), "utf8"));
const errorsOf = (fn: typeof validateUi) => (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

function sampleDocument(): WorkflowDocument {
  const result = importWorkflow(readFileSync(join(corpus, "ui/ComfyUI_examples__lora_lora.json"), "utf8"), { catalogue });
  if (!result.ok) throw new Error(result.error.message);
  return result.document;
}

describe("JSON schemas", () => {
  it("accepts every UI workflow of the corpus", () => {
    const rejected: { file: string; errors: string[] }[] = [];
    for (const name of readdirSync(join(corpus, "ui"))) {
      if (!validateUi(readJson(`ui/${name}`))) rejected.push({ file: name, errors: errorsOf(validateUi).slice(0, 3) });
    }
    expect(rejected).toEqual([]);
  });

  it("accepts every API prompt of the corpus", () => {
    const rejected: { file: string; errors: string[] }[] = [];
    for (const name of readdirSync(join(corpus, "api"))) {
      if (!validateApi(readJson(`api/${name}`))) rejected.push({ file: name, errors: errorsOf(validateApi).slice(0, 3) });
    }
    expect(rejected).toEqual([]);
  });

  it("accepts every imported corpus document, and what it exports as UI workflow and API prompt", () => {
    const rejected: string[] = [];
    let checked = 0;
    for (const dir of ["ui", "api", "png", "webp"]) {
      for (const name of readdirSync(join(corpus, dir))) {
        const result = importWorkflow(new Uint8Array(readFileSync(join(corpus, dir, name))), { catalogue });
        if (!result.ok) continue;
        const doc = JSON.parse(JSON.stringify(result.document));
        if (!validateDocument(doc)) rejected.push(`${dir}/${name} (document): ${errorsOf(validateDocument)[0]}`);
        if (!validateUi(exportUiWorkflow(result.document, catalogue))) rejected.push(`${dir}/${name} (ui): ${errorsOf(validateUi)[0]}`);
        const prompt = compileToPrompt(result.document, catalogue).prompt;
        if (Object.keys(prompt).length > 0 && !validateApi(prompt)) rejected.push(`${dir}/${name} (api): ${errorsOf(validateApi)[0]}`);
        checked++;
      }
    }
    expect(rejected).toEqual([]);
    expect(checked).toBe(115);
  });

  it("agrees with the zod document schema when any one value is deleted or replaced by a wrong type", () => {
    const base = JSON.parse(JSON.stringify(sampleDocument())) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (path.length > 0) paths.push(path);
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(base, []);
    const disagreements: string[] = [];
    for (const path of paths) {
      for (const replacement of [undefined, null, "text", -1, true, []]) {
        const doc = structuredClone(base) as Record<string | number, unknown>;
        let parent = doc;
        for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        if (replacement === undefined) {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else parent[last] = replacement;
        const zod = zWorkflowDocument.safeParse(doc).success;
        const json = validateDocument(doc);
        if (zod !== json) disagreements.push(`${path.join("/")} = ${JSON.stringify(replacement) ?? "(deleted)"}: zod ${zod}, ajv ${json}`);
      }
    }
    expect(paths.length).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  });

  it("names the missing class_type of an API node by its path", () => {
    expect(validateApi({ "3": { inputs: {} } })).toBe(false);
    expect(validateApi.errors?.map((e) => ({ path: e.instancePath, message: e.message }))).toEqual([
      { path: "/3", message: "must have required property 'class_type'" },
    ]);
  });

  it("rejects a UI workflow whose links are not arrays or link objects", () => {
    expect(validateUi({ nodes: [{ id: 1, type: "KSampler" }], links: ["1,2,3"] })).toBe(false);
    expect(validateUi({ nodes: [{ id: 1, type: "KSampler" }], links: [[1, 1, 0, 2, 0, "MODEL"]] })).toBe(true);
  });

  it("gives each format its own schema URI", () => {
    const uris = (["atelier", "ui", "api"] as const).map((f) => getJsonSchema(f).uri);
    expect(new Set(uris).size).toBe(3);
    expect(getJsonSchema("ui").schema).toBe(UI_WORKFLOW_JSON_SCHEMA);
  });
});
