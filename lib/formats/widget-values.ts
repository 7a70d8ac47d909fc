import type { NodeDefinition } from "@/lib/graph/catalogue";
import type { ControlAfterGenerate, JsonValue } from "@/lib/graph/model";
import { defaultWidgetValue, listWidgetInputs, type InputInfo } from "@/lib/graph/node-def";

/**
 * Positional `widgets_values` ⇄ widget values by name, following ComfyUI's
 * frontend: one slot per widget input in definition order (forceInput inputs
 * have no widget), plus the hidden control_after_generate slot right after a
 * seed-like INT widget.
 */

/** Node property where the UI exporter keeps widget values positional `widgets_values` cannot carry (ComfyUI keeps unknown properties as they are). */
export const WIDGET_PROPERTY = "atelier:widgets";

/** One position in a node's `widgets_values`. */
export interface WidgetSlot {
  name: string;
  kind: "value" | "control";
  input: InputInfo;
}

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
  for (const input of listWidgetInputs(def)) {
    if (input.options.forceInput === true) continue;
    slots.push({ name: input.name, kind: "value", input });
    if (hasControlAfterGenerate(input)) slots.push({ name: input.name, kind: "control", input });
  }
  slotsCache.set(def, slots);
  return slots;
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
}

/** Maps a positional `widgets_values` array to values by name. */
export function nameWidgetValues(def: NodeDefinition, values: readonly JsonValue[]): NamedWidgetValues {
  const out: NamedWidgetValues = { widgets: {}, controls: {}, tail: [], filled: [], missingControls: [] };
  let i = 0;
  for (const slot of listWidgetSlots(def)) {
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
    } else {
      out.widgets[slot.name] = defaultWidgetValue(slot.input);
      out.filled.push(slot.name);
    }
  }
  out.tail = values.slice(i) as JsonValue[];
  return out;
}

/** Rebuilds a positional `widgets_values` array from values by name (the inverse of {@link nameWidgetValues}). */
export function positionWidgetValues(
  def: NodeDefinition,
  widgets: Record<string, JsonValue>,
  controls: Record<string, ControlAfterGenerate> | undefined,
  tail: readonly JsonValue[] = [],
  options: { booleanControls?: boolean } = {},
): JsonValue[] {
  const values: JsonValue[] = [];
  for (const slot of listWidgetSlots(def)) {
    const control = controls?.[slot.name] ?? "fixed";
    if (slot.kind === "control") values.push(options.booleanControls && (control === "randomize" || control === "fixed") ? control === "randomize" : control);
    else values.push(Object.hasOwn(widgets, slot.name) ? (widgets[slot.name] as JsonValue) : defaultWidgetValue(slot.input));
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
