import type { InputOptions, NodeCatalogue, NodeDefinition } from "./catalogue";
import type { JsonValue } from "./model";

/**
 * Read-side accessors over ComfyUI node definitions (`/object_info` shape):
 * inputs in the order ComfyUI's frontend shows them, each classified as a
 * link input or a widget, outputs with their names, and the virtual
 * frontend-only node types that `/object_info` never lists.
 */

/** The widget kinds ComfyUI's backend converts and checks (`INT`, `FLOAT`, `STRING`, `BOOLEAN`, `COMBO`). */
export type WidgetType = "INT" | "FLOAT" | "STRING" | "BOOLEAN" | "COMBO";

/** One input of a node definition, classified. */
export interface InputInfo {
  name: string;
  /** Position in the definition's input order (required first, then optional). */
  index: number;
  required: boolean;
  /** "widget" for INT/FLOAT/STRING/BOOLEAN/combo inputs; "link" for everything fed by an edge (IMAGE, MODEL, "*", "IMAGE,MASK", custom types). */
  kind: "link" | "widget";
  /** The type name as ComfyUI compares it on links: "INT", "IMAGE", "IMAGE,MASK", "*"; every combo is "COMBO". */
  type: string;
  /** Set when kind is "widget". */
  widgetType?: WidgetType;
  /** The allowed values of a combo (old-style list or new-style `["COMBO", {options}]`). */
  comboValues?: readonly unknown[];
  /** The spec's options object (`default`, `min`, `max`, `step`, `forceInput`, …); `{}` when absent. */
  options: InputOptions;
  /**
   * For a V3 dynamic combo (`COMFY_DYNAMICCOMBO_V3`): the inputs each choice
   * adds. The frontend inserts their widgets right after the combo's, named
   * `<combo>.<input>`, and those names are what the prompt carries.
   */
  dynamicOptions?: readonly DynamicComboOption[];
}

/** One choice of a V3 dynamic combo and the inputs it brings (an `/object_info` input section). */
export interface DynamicComboOption {
  key: string;
  inputs: { required?: Record<string, unknown>; optional?: Record<string, unknown> };
}

/** Input type of ComfyUI's V3 dynamic combos: a combo whose choice adds inputs. */
export const DYNAMIC_COMBO_TYPE = "COMFY_DYNAMICCOMBO_V3";

function readDynamicOptions(raw: unknown): DynamicComboOption[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((o): DynamicComboOption[] => {
    if (o === null || typeof o !== "object" || typeof (o as { key?: unknown }).key !== "string") return [];
    const inputs = (o as { inputs?: unknown }).inputs;
    return [{ key: (o as { key: string }).key, inputs: inputs !== null && typeof inputs === "object" ? (inputs as DynamicComboOption["inputs"]) : {} }];
  });
}

/** One output slot of a node definition. */
export interface OutputInfo {
  index: number;
  /** The type ComfyUI compares on links; a list-typed (combo) output is "COMBO". */
  type: string;
  name: string;
  isList: boolean;
}

/** Frontend-only node types that exist in UI workflows but never in `/object_info` or an API prompt. */
export const VIRTUAL_NODE_TYPES = ["Reroute", "PrimitiveNode", "Note", "MarkdownNote"] as const;
export type VirtualNodeType = (typeof VIRTUAL_NODE_TYPES)[number];

const virtualTypes: ReadonlySet<string> = new Set(VIRTUAL_NODE_TYPES);

/** True for Reroute, PrimitiveNode, Note and MarkdownNote: nodes ComfyUI's frontend resolves away before sending a prompt. */
export function isVirtualNodeType(type: string): type is VirtualNodeType {
  return virtualTypes.has(type);
}

/** True for node types that only annotate the canvas (Note, MarkdownNote) and take part in nothing. */
export function isNoteNodeType(type: string): boolean {
  return type === "Note" || type === "MarkdownNote";
}

const widgetTypes: ReadonlySet<string> = new Set(["INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"]);

/** True when a type name is one ComfyUI renders as a widget rather than a link slot. */
export function isWidgetTypeName(type: string): type is WidgetType {
  return widgetTypes.has(type);
}

const emptyOptions: InputOptions = Object.freeze({}) as InputOptions;

/** Classifies one `/object_info` input spec (`["INT", {…}]`, `[[…choices]]`, `["IMAGE"]`, …) under a name. */
export function classifyInput(name: string, spec: unknown, index: number, required: boolean): InputInfo {
  const tuple = Array.isArray(spec) ? spec : [spec];
  const head: unknown = tuple[0];
  const rawOptions: unknown = tuple[1];
  const options =
    rawOptions !== null && typeof rawOptions === "object" && !Array.isArray(rawOptions) ? (rawOptions as InputOptions) : emptyOptions;
  if (Array.isArray(head)) {
    return { name, index, required, kind: "widget", type: "COMBO", widgetType: "COMBO", comboValues: head, options };
  }
  const type = typeof head === "string" ? head : "*";
  if (type === DYNAMIC_COMBO_TYPE) {
    const dynamicOptions = readDynamicOptions(options.options);
    const values = dynamicOptions.map((o) => o.key);
    return { name, index, required, kind: "widget", type: "COMBO", widgetType: "COMBO", comboValues: values, options, dynamicOptions };
  }
  if (type === "COMBO") {
    const values = Array.isArray(options.options) ? options.options : [];
    return { name, index, required, kind: "widget", type, widgetType: "COMBO", comboValues: values, options };
  }
  if (isWidgetTypeName(type)) {
    return { name, index, required, kind: "widget", type, widgetType: type, options };
  }
  return { name, index, required, kind: "link", type, options };
}

function orderedNames(section: Record<string, unknown> | undefined, order: readonly string[] | undefined): string[] {
  if (!section) return [];
  const keys = Object.keys(section);
  if (!order) return keys;
  // input_order is authoritative when present, but a hand-written or older
  // definition may list fewer names than it defines; keep the rest in key order.
  const seen = new Set<string>();
  const names: string[] = [];
  for (const name of order) {
    if (Object.hasOwn(section, name) && !seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  }
  for (const name of keys) if (!seen.has(name)) names.push(name);
  return names;
}

/** Per-definition tables, computed once: validation and compile look inputs up per node, so they must not rebuild these per call. */
export interface DefinitionTables {
  inputs: readonly InputInfo[];
  byName: ReadonlyMap<string, InputInfo>;
  outputs: readonly OutputInfo[];
}

const tablesCache = new WeakMap<NodeDefinition, DefinitionTables>();

/** The cached input/output tables of a definition (one WeakMap lookup); for hot loops that need several of them per node. */
export function getDefinitionTables(def: NodeDefinition): DefinitionTables {
  return tablesOf(def);
}

function tablesOf(def: NodeDefinition): DefinitionTables {
  let tables = tablesCache.get(def);
  if (tables) return tables;
  const inputs: InputInfo[] = [];
  const required = def.input?.required as Record<string, unknown> | undefined;
  const optional = def.input?.optional as Record<string, unknown> | undefined;
  for (const name of orderedNames(required, def.input_order?.required)) {
    inputs.push(classifyInput(name, required?.[name], inputs.length, true));
  }
  for (const name of orderedNames(optional, def.input_order?.optional)) {
    // ComfyUI looks an input up in required first, so a name in both sections is required.
    if (required && Object.hasOwn(required, name)) continue;
    inputs.push(classifyInput(name, optional?.[name], inputs.length, false));
  }
  const byName = new Map<string, InputInfo>();
  for (const input of inputs) byName.set(input.name, input);
  const outputs: OutputInfo[] = (Array.isArray(def.output) ? def.output : []).map((out, index) => {
    const type = Array.isArray(out) ? "COMBO" : String(out);
    const name = def.output_name?.[index] ?? type;
    return { index, type, name, isList: def.output_is_list?.[index] === true };
  });
  tables = { inputs, byName, outputs };
  tablesCache.set(def, tables);
  return tables;
}

/** Lists a definition's inputs in ComfyUI's order: required then optional, each by `input_order` when present, else key order. Hidden inputs are excluded. */
export function listInputs(def: NodeDefinition): readonly InputInfo[] {
  return tablesOf(def).inputs;
}

/** Finds one input of a definition by name. */
export function getInput(def: NodeDefinition, name: string): InputInfo | undefined {
  return tablesOf(def).byName.get(name);
}

/** Lists the widget inputs of a definition in order (the ones `widgets_values` holds positionally in UI files, before control values). */
export function listWidgetInputs(def: NodeDefinition): readonly InputInfo[] {
  return tablesOf(def).inputs.filter((input) => input.kind === "widget");
}

/** Lists a definition's outputs with their types and names. */
export function listOutputs(def: NodeDefinition): readonly OutputInfo[] {
  return tablesOf(def).outputs;
}

/** True when ComfyUI treats nodes of this definition as outputs (it executes the graph backwards from these). */
export function isOutputNode(def: NodeDefinition): boolean {
  return def.output_node === true;
}

/** Looks a node type up in a catalogue; own properties only, so "constructor" or "__proto__" are unknown types, not prototype members. */
export function getNodeDefinition(catalogue: NodeCatalogue, type: string): NodeDefinition | undefined {
  return Object.hasOwn(catalogue, type) ? catalogue[type] : undefined;
}

/**
 * ComfyUI's link type check (`validate_node_input` in execution.py, non-strict):
 * equal types match; "*" on either side matches anything; otherwise both
 * sides are comma-separated unions and match when they share a member.
 */
export function areTypesCompatible(sourceType: string, targetType: string): boolean {
  if (sourceType === targetType) return true;
  if (sourceType === "*" || targetType === "*") return true;
  // Fast exit for the common single-name case: no comma on either side means
  // they differ and cannot share a member.
  if (!sourceType.includes(",") && !targetType.includes(",")) return false;
  const received = sourceType.split(",").map((t) => t.trim());
  const accepted = new Set(targetType.split(",").map((t) => t.trim()));
  if (accepted.has("*")) return true;
  return received.some((t) => t === "*" || accepted.has(t));
}

/** The value a freshly created widget of this input holds, as ComfyUI's frontend picks it. */
export function defaultWidgetValue(input: InputInfo): JsonValue {
  const d = input.options.default;
  if (d !== undefined) return d as JsonValue;
  switch (input.widgetType) {
    case "COMBO":
      return (input.comboValues?.[0] ?? "") as JsonValue;
    case "INT":
    case "FLOAT":
      return typeof input.options.min === "number" ? Math.max(0, input.options.min) : 0;
    case "STRING":
      return "";
    case "BOOLEAN":
      return false;
    case undefined:
      return null;
    default: {
      const never: never = input.widgetType;
      return never;
    }
  }
}
