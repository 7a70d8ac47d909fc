import { z } from "zod";
import { zWorkflowDocument } from "@/lib/graph/model";

/**
 * JSON Schemas (draft-07, the dialect both ajv 8's default class and
 * monaco's JSON language service handle fully) for the three JSON shapes a
 * person edits: our document, a ComfyUI UI workflow and a ComfyUI API prompt.
 *
 * They check structure only. What needs the node catalogue (widget names,
 * link types) is the importer's and validator's job, so these stay
 * permissive wherever real files vary: unknown keys are allowed everywhere,
 * because ComfyUI, its frontend and custom nodes all add keys of their own.
 */

/** A JSON Schema as a plain JSON object. */
export type JsonSchema = Record<string, unknown>;

/** The JSON formats a schema exists for. */
export type JsonSchemaFormat = "atelier" | "ui" | "api";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/**
 * The Atelier document schema, derived from zWorkflowDocument. The "input"
 * side is used because it describes what the zod parser accepts: objects
 * there are not strict (zod drops unknown keys), so the schema does not
 * flag extra keys either, and the two never disagree about a file.
 */
export const WORKFLOW_DOCUMENT_JSON_SCHEMA: JsonSchema = {
  ...(z.toJSONSchema(zWorkflowDocument, { target: "draft-7", io: "input" }) as JsonSchema),
  title: "Atelier workflow document (atelier.workflow v1)",
};

const number: JsonSchema = { type: "number" };
// Older frontends saved pos and size as {"0": x, "1": y} objects instead of arrays.
const pair: JsonSchema = {
  anyOf: [
    { type: "array", items: number, minItems: 2 },
    { type: "object", properties: { "0": number, "1": number }, required: ["0", "1"] },
  ],
};
const nodeId: JsonSchema = { type: ["integer", "string"] };
const slotIndex: JsonSchema = { type: "integer" };
const linkType: JsonSchema = { type: ["string", "integer"] };

const uiLinkArray: JsonSchema = {
  type: "array",
  description: "[link id, origin node id, origin slot, target node id, target slot, type]",
  items: [{ type: "integer" }, nodeId, slotIndex, nodeId, slotIndex, linkType],
  minItems: 5,
};
const uiLinkObject: JsonSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    origin_id: nodeId,
    origin_slot: slotIndex,
    target_id: nodeId,
    target_slot: slotIndex,
    type: linkType,
    parentId: { type: "integer" },
  },
  required: ["id", "origin_id", "origin_slot", "target_id", "target_slot"],
};

const uiSlot: JsonSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    type: linkType,
    link: { type: ["integer", "null"] },
    links: { type: ["array", "null"], items: { type: "integer" } },
    slot_index: { type: "integer" },
    widget: { type: "object" },
  },
};

const uiNode: JsonSchema = {
  type: "object",
  properties: {
    id: nodeId,
    type: { type: "string" },
    title: { type: "string" },
    pos: pair,
    size: pair,
    flags: { type: "object" },
    order: { type: "number" },
    // 0 = always, 1 = on event, 2 = never (muted), 3 = on trigger, 4 = bypass.
    mode: { type: "integer", minimum: 0, maximum: 4 },
    inputs: { type: "array", items: uiSlot },
    outputs: { type: "array", items: uiSlot },
    properties: { type: "object" },
    // An array almost always; VideoHelperSuite nodes save an object keyed by widget name.
    widgets_values: { type: ["array", "object"] },
    color: { type: "string" },
    bgcolor: { type: "string" },
  },
  // oldSchemaGraph-style files carry nodes with nothing but an id; the importer decides what that means.
  required: ["id"],
};

const uiGroup: JsonSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    title: { type: "string" },
    bounding: { type: "array", items: number, minItems: 4, maxItems: 4 },
    color: { type: "string" },
    font_size: { type: "number" },
  },
};

const uiGraphProperties: JsonSchema = {
  nodes: { type: "array", items: uiNode },
  links: { type: "array", items: { anyOf: [uiLinkArray, uiLinkObject] } },
  groups: { type: "array", items: uiGroup },
};

/** A ComfyUI UI workflow ("workflow" in PNG metadata): version 0.4 (array links) or 1 (object links), subgraph definitions included. */
export const UI_WORKFLOW_JSON_SCHEMA: JsonSchema = {
  $schema: DRAFT_07,
  title: "ComfyUI UI workflow",
  type: "object",
  properties: {
    ...uiGraphProperties,
    version: { type: "number" },
    last_node_id: nodeId,
    last_link_id: { type: "integer" },
    state: { type: "object" },
    config: { type: "object" },
    extra: {
      type: "object",
      properties: {
        ds: {
          type: "object",
          properties: { scale: number, offset: pair },
        },
      },
    },
    definitions: {
      type: "object",
      properties: {
        subgraphs: {
          type: "array",
          items: {
            type: "object",
            properties: {
              ...uiGraphProperties,
              id: { type: "string" },
              name: { type: "string" },
              inputs: { type: "array", items: { type: "object" } },
              outputs: { type: "array", items: { type: "object" } },
            },
            required: ["id", "nodes", "links"],
          },
        },
      },
    },
  },
  required: ["nodes", "links"],
};

/** A ComfyUI API prompt (the body of POST /prompt): node id → {class_type, inputs, _meta?}. */
export const API_PROMPT_JSON_SCHEMA: JsonSchema = {
  $schema: DRAFT_07,
  title: "ComfyUI API prompt",
  type: "object",
  minProperties: 1,
  additionalProperties: {
    type: "object",
    properties: {
      class_type: { type: "string", minLength: 1 },
      inputs: {
        type: "object",
        additionalProperties: {
          description: "A literal value, or a link [source node id, output slot]",
        },
      },
      _meta: { type: "object", properties: { title: { type: "string" } } },
    },
    required: ["class_type", "inputs"],
  },
};

/** The schema for a format, with a stable URI that editors can register it under. */
export function getJsonSchema(format: JsonSchemaFormat): { uri: string; schema: JsonSchema } {
  switch (format) {
    case "atelier":
      return { uri: "atelier://schemas/workflow-document.json", schema: WORKFLOW_DOCUMENT_JSON_SCHEMA };
    case "ui":
      return { uri: "atelier://schemas/comfyui-ui-workflow.json", schema: UI_WORKFLOW_JSON_SCHEMA };
    case "api":
      return { uri: "atelier://schemas/comfyui-api-prompt.json", schema: API_PROMPT_JSON_SCHEMA };
    default:
      return assertNever(format);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected JSON schema format: ${String(value)}`);
}
