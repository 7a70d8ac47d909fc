import type { NodeDefinition } from "@/lib/graph/catalogue";
import type { ControlAfterGenerate, JsonValue } from "@/lib/graph/model";
import { classifyInput, defaultWidgetValue, listInputs, type InputInfo } from "@/lib/graph/node-def";

/**
 * Positional `widgets_values` ⇄ widget values by name, following ComfyUI's
 * frontend: one slot per widget input in definition order (forceInput inputs
 * have no widget), plus the hidden control_after_generate slot right after a
 * seed-like INT widget, plus the slots of widgets only the frontend has
 * (see {@link FRONTEND_WIDGET_TYPES} and {@link UPLOAD_WIDGET_NAME}).
 */

/** Node property where the UI exporter keeps widget values positional `widgets_values` cannot carry (ComfyUI keeps unknown properties as they are). */
export const WIDGET_PROPERTY = "atelier:widgets";

/**
 * One position in a node's `widgets_values`. "value" and "control" slots hold
 * what ComfyUI runs; a "frontend" slot holds the value of a widget only the
 * frontend has (a webcam view, a 3D viewport, an upload button), which the
 * backend never receives from a saved workflow: it takes a position, so the
 * values after it stay in place, but it is not a widget value of the node.
 */
export interface WidgetSlot {
  name: string;
  kind: "value" | "control" | "frontend";
  input: InputInfo;
  /** For "frontend" slots: what ComfyUI's frontend saves for a fresh node. */
  frontendValue?: JsonValue;
}

/**
 * Input types the backend lists like link inputs but ComfyUI's frontend draws
 * as a DOM widget of their own, which takes a position in `widgets_values`
 * at the input's place (WebcamCapture saves `["", width, height,
 * capture_on_queue, "capture"]`; Load3D `[model_file, "", width, height]`).
 * The saved value is a placeholder (""); the real one (an uploaded capture or
 * viewport render) is made by the frontend when it queues the prompt.
 */
export const FRONTEND_WIDGET_TYPES: ReadonlySet<string> = new Set(["WEBCAM", "LOAD_3D", "LOAD_3D_ANIMATION", "PREVIEW_3D", "PREVIEW_3D_ANIMATION"]);

/**
 * The upload button ComfyUI's frontend adds when a required input named
 * "image" has `image_upload: true`: its extension appends an `upload:
 * ["IMAGEUPLOAD"]` input after the required inputs, and the button's value
 * "image" is saved there (LoadImage saves `["photo.png", "image"]`,
 * LoadImageMask `["mask.png", "alpha", "image"]`).
 */
export const UPLOAD_WIDGET_NAME = "upload";
const UPLOAD_WIDGET_VALUE = "image";

/**
 * Button values some frontends save right after a `file_upload` combo
 * (Load3D: `["model.glb", "upload3dmodel", "uploadExtraResources", "clear", "", 1024, 1024]`);
 * others save none, so they are recognised by value rather than given slots.
 */
const FILE_UPLOAD_BUTTON_VALUES: ReadonlySet<unknown> = new Set(["upload3dmodel", "uploadExtraResources", "clear"]);

/** A frontend-only value met in a `widgets_values` array: its index there and the value, kept so an export writes it back in place. */
export type FrontendWidgetValue = [index: number, value: JsonValue];

/** The values ComfyUI's control_after_generate widget takes. */
export const CONTROL_VALUES: readonly ControlAfterGenerate[] = ["fixed", "increment", "decrement", "randomize"];

/** True for a string ComfyUI accepts as a control_after_generate value. */
export function isControlValue(value: unknown): value is ControlAfterGenerate {
  return typeof value === "string" && (CONTROL_VALUES as readonly string[]).includes(value);
}

/**
 * True when ComfyUI's frontend adds a control_after_generate widget after this
 * input: the spec asks for it, or it is an INT named seed / noise_seed (the
 * frontend's `INT:seed` and `INT:noise_seed` widget constructors add one
 * whatever the spec says).
 */
export function hasControlAfterGenerate(input: InputInfo): boolean {
  if (input.options.control_after_generate === true) return true;
  return input.widgetType === "INT" && (input.name === "seed" || input.name === "noise_seed");
}

// Import and export ask for one definition's slots once per node; computing them once per definition keeps 100,000-node files linear and light.
const slotsCache = new WeakMap<NodeDefinition, readonly WidgetSlot[]>();

/** Lists the positional slots of a definition's `widgets_values`. */
export function listWidgetSlots(def: NodeDefinition): readonly WidgetSlot[] {
  const cached = slotsCache.get(def);
  if (cached) return cached;
  const slots: WidgetSlot[] = [];
  const inputs = listInputs(def);
  const image = inputs.find((input) => input.name === "image" && input.required && input.options.image_upload === true);
  let uploadPlaced = image === undefined;
  const placeUpload = () => {
    slots.push({ name: UPLOAD_WIDGET_NAME, kind: "frontend", input: image!, frontendValue: UPLOAD_WIDGET_VALUE });
    uploadPlaced = true;
  };
  for (const input of inputs) {
    if (!uploadPlaced && !input.required) placeUpload();
    slots.push(...slotsOfInput(input));
  }
  if (!uploadPlaced) placeUpload();
  slotsCache.set(def, slots);
  return slots;
}

/** The slots one input contributes: its value (and control) for a widget, a frontend slot for a frontend-only type, none for a link. */
function slotsOfInput(input: InputInfo): WidgetSlot[] {
  if (input.kind === "widget") {
    if (input.options.forceInput === true) return [];
    const own: WidgetSlot[] = [{ name: input.name, kind: "value", input }];
    if (hasControlAfterGenerate(input)) own.push({ name: input.name, kind: "control", input });
    return own;
  }
  return FRONTEND_WIDGET_TYPES.has(input.type) ? [{ name: input.name, kind: "frontend", input, frontendValue: "" }] : [];
}

const dynamicCache = new WeakMap<InputInfo, Map<string, readonly WidgetSlot[]>>();

/**
 * The slots a dynamic combo's choice inserts right after the combo's own:
 * the chosen option's inputs (required, then optional) named
 * `<combo>.<input>`, as ComfyUI's frontend names the widgets it adds. None
 * for a value that is not one of the choices.
 */
function dynamicSlots(input: InputInfo, choice: unknown): readonly WidgetSlot[] {
  if (input.dynamicOptions === undefined || typeof choice !== "string") return [];
  let byChoice = dynamicCache.get(input);
  if (!byChoice) dynamicCache.set(input, (byChoice = new Map()));
  const cached = byChoice.get(choice);
  if (cached) return cached;
  const option = input.dynamicOptions.find((o) => o.key === choice);
  const slots: WidgetSlot[] = [];
  if (option) {
    let index = 0;
    for (const [section, required] of [[option.inputs.required, true], [option.inputs.optional, false]] as const) {
      if (section === null || typeof section !== "object") continue;
      for (const key of Object.keys(section)) slots.push(...slotsOfInput(classifyInput(`${input.name}.${key}`, section[key], index++, required)));
    }
  }
  byChoice.set(choice, slots);
  return slots;
}

/** The slots of one node: the definition's, with each dynamic combo's chosen inputs inserted after it (the choice read from `widgets`, else the combo's default). */
export function listNodeWidgetSlots(def: NodeDefinition, widgets: Record<string, JsonValue>): readonly WidgetSlot[] {
  const base = listWidgetSlots(def);
  if (!base.some((slot) => slot.input.dynamicOptions !== undefined)) return base;
  const slots = [...base];
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k]!;
    if (slot.kind !== "value" || !slot.input.dynamicOptions) continue;
    const choice = Object.hasOwn(widgets, slot.name) ? widgets[slot.name] : defaultWidgetValue(slot.input);
    slots.splice(k + 1, 0, ...dynamicSlots(slot.input, choice));
  }
  return slots;
}

/** True when `value` can be what a frontend-only slot holds, so a file saved without that slot does not lose its next value to it. */
function fitsFrontendSlot(slot: WidgetSlot, value: unknown): boolean {
  if (slot.name === UPLOAD_WIDGET_NAME && slot.frontendValue === UPLOAD_WIDGET_VALUE) return value === UPLOAD_WIDGET_VALUE || value === null;
  // DOM widgets save "" (or, in some frontends, an object or nothing); a number or boolean there is the next widget's.
  return typeof value === "string" || value === null || (typeof value === "object" && !Array.isArray(value));
}

/** The result of {@link nameWidgetValues}. */
export interface NamedWidgetValues {
  widgets: Record<string, JsonValue>;
  controls: Record<string, ControlAfterGenerate>;
  /** Values past the known widgets (upload buttons, preview widgets of newer frontends): kept for export. */
  tail: JsonValue[];
  /** Widget names the file had no value for (the definition gained them since): filled with defaults. */
  filled: string[];
  /** Control slots that held no control value (files saved before the control widget existed): not consumed. */
  missingControls: string[];
  /** True when the file stored controls as early-2023 booleans. */
  booleanControls?: boolean;
  /** Values of frontend-only widgets, with their positions (see {@link WidgetSlot}). */
  frontend: FrontendWidgetValue[];
}

/** Maps a positional `widgets_values` array to values by name. */
export function nameWidgetValues(def: NodeDefinition, values: readonly JsonValue[]): NamedWidgetValues {
  const out: NamedWidgetValues = { widgets: {}, controls: {}, tail: [], filled: [], missingControls: [], frontend: [] };
  let i = 0;
  // A dynamic combo's choice inserts its inputs' slots after it, so the list grows as values are read.
  const slots = [...listWidgetSlots(def)];
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k]!;
    if (slot.kind === "frontend") {
      if (i < values.length && fitsFrontendSlot(slot, values[i])) {
        out.frontend.push([i, values[i] as JsonValue]);
        i++;
      }
      continue;
    }
    if (slot.kind === "control") {
      const v = values[i];
      if (i < values.length && (isControlValue(v) || typeof v === "boolean")) {
        // Early 2023 frontends saved the control as a toggle: true = randomize, false = fixed.
        out.controls[slot.name] = typeof v === "boolean" ? (v ? "randomize" : "fixed") : v;
        if (typeof v === "boolean") out.booleanControls = true;
        i++;
      } else if (i < values.length) {
        out.missingControls.push(slot.name);
      } else {
        out.controls[slot.name] = "randomize";
      }
      continue;
    }
    if (i < values.length) {
      out.widgets[slot.name] = values[i] as JsonValue;
      i++;
      if (slot.input.options.file_upload === true) {
        while (i < values.length && FILE_UPLOAD_BUTTON_VALUES.has(values[i])) {
          out.frontend.push([i, values[i] as JsonValue]);
          i++;
        }
      }
    } else {
      out.widgets[slot.name] = defaultWidgetValue(slot.input);
      out.filled.push(slot.name);
    }
    if (slot.input.dynamicOptions) slots.splice(k + 1, 0, ...dynamicSlots(slot.input, out.widgets[slot.name]));
  }
  out.tail = values.slice(i) as JsonValue[];
  return out;
}

/** Options of {@link positionWidgetValues}. */
export interface PositionOptions {
  booleanControls?: boolean;
  /**
   * Frontend-only values as an import found them, written back at their
   * positions. Absent for a node made outside a file: each frontend-only slot
   * then gets what ComfyUI's frontend saves for a fresh node.
   */
  frontend?: readonly FrontendWidgetValue[];
}

/** Rebuilds a positional `widgets_values` array from values by name (the inverse of {@link nameWidgetValues}). */
export function positionWidgetValues(
  def: NodeDefinition,
  widgets: Record<string, JsonValue>,
  controls: Record<string, ControlAfterGenerate> | undefined,
  tail: readonly JsonValue[] = [],
  options: PositionOptions = {},
): JsonValue[] {
  const values: JsonValue[] = [];
  for (const slot of listNodeWidgetSlots(def, widgets)) {
    const control = controls?.[slot.name] ?? "fixed";
    if (slot.kind === "frontend") {
      if (options.frontend === undefined) values.push(slot.frontendValue ?? null);
    } else if (slot.kind === "control") values.push(options.booleanControls && (control === "randomize" || control === "fixed") ? control === "randomize" : control);
    else values.push(Object.hasOwn(widgets, slot.name) ? (widgets[slot.name] as JsonValue) : defaultWidgetValue(slot.input));
  }
  // Ascending indices: each insert lands where the file had it, given the ones before it are back in place.
  for (const [index, value] of [...(options.frontend ?? [])].sort((a, b) => a[0] - b[0])) {
    if (index <= values.length) values.splice(index, 0, value);
    else values.push(value);
  }
  return [...values, ...tail];
}

const WIDGET_PORT_TYPES: ReadonlySet<string> = new Set(["INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"]);

/**
 * The widget names of a subgraph instance, in the order its `widgets_values`
 * holds them: the subgraph's inputs of widget types, in input order (the
 * frontend promotes those to widgets on the instance).
 */
export function listSubgraphWidgetNames(ports: readonly { name: unknown; type: unknown }[]): string[] {
  return ports.filter((p) => typeof p.name === "string" && typeof p.type === "string" && WIDGET_PORT_TYPES.has(p.type)).map((p) => p.name as string);
}
