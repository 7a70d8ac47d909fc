import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { JsonValue, WorkflowDocument } from "@/lib/graph/model";
import { getInput, getNodeDefinition } from "@/lib/graph/node-def";
import type { TemplateParameter } from "@/lib/semver";
import type { RequiredModel } from "./schema";

/** A widget value that could become a template parameter, with the parameter it would be. */
export interface ExposableInput {
  nodeId: string;
  /** "#3 KSampler" or the node's title. */
  nodeLabel: string;
  input: string;
  value: JsonValue;
  suggestion: TemplateParameter;
}

function widgetTypeOf(value: JsonValue): string {
  if (typeof value === "boolean") return "BOOLEAN";
  if (typeof value === "number") return Number.isInteger(value) ? "INT" : "FLOAT";
  if (typeof value === "string") return "STRING";
  return "JSON";
}

/**
 * Every widget value in the graph, each with the parameter it would become:
 * type, bounds and combo list from the catalogue when the node type is
 * known, from the value otherwise; names unique (`steps`, `steps_2`).
 */
export function listExposableInputs(doc: WorkflowDocument, catalogue: NodeCatalogue): ExposableInput[] {
  const used = new Map<string, number>();
  const out: ExposableInput[] = [];
  for (const node of doc.graph.nodes) {
    const def = getNodeDefinition(catalogue, node.type);
    for (const [input, value] of Object.entries(node.widgets)) {
      const info = def ? getInput(def, input) : undefined;
      const count = (used.get(input) ?? 0) + 1;
      used.set(input, count);
      const suggestion: TemplateParameter = {
        name: count === 1 ? input : `${input}_${count}`,
        target: { nodeId: node.id, input },
        type: info?.widgetType ?? widgetTypeOf(value),
        default: value,
      };
      const o = info?.options ?? {};
      if (typeof o.min === "number") suggestion.min = o.min;
      // Seeds go up to 2^64, past what a JSON number holds exactly: leave them unbounded above.
      if (typeof o.max === "number" && Number.isSafeInteger(o.max)) suggestion.max = o.max;
      if (typeof o.step === "number") suggestion.step = o.step;
      // An empty list is a server-specific model list: no options, the server decides.
      if (info?.comboValues && info.comboValues.length > 0) suggestion.options = info.comboValues as JsonValue[];
      out.push({ nodeId: node.id, nodeLabel: node.title ? `#${node.id} ${node.title}` : `#${node.id} ${node.type}`, input, value, suggestion });
    }
  }
  return out;
}

// Loader inputs and the ComfyUI models folder their files live in.
const MODEL_FOLDERS: Record<string, string> = {
  ckpt_name: "checkpoints",
  lora_name: "loras",
  vae_name: "vae",
  control_net_name: "controlnet",
  unet_name: "diffusion_models",
  clip_name: "text_encoders",
  clip_name1: "text_encoders",
  clip_name2: "text_encoders",
  style_model_name: "style_models",
};

/** The model files a graph names in its loader nodes, with their folders (upscale models by node type, since their input is just `model_name`). */
export function inferRequiredModels(doc: WorkflowDocument): RequiredModel[] {
  const seen = new Set<string>();
  const out: RequiredModel[] = [];
  for (const node of doc.graph.nodes) {
    for (const [input, value] of Object.entries(node.widgets)) {
      const folder = node.type === "UpscaleModelLoader" && input === "model_name" ? "upscale_models" : MODEL_FOLDERS[input];
      if (!folder || typeof value !== "string" || value === "") continue;
      const key = `${folder}/${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: value, folder });
    }
  }
  return out;
}
