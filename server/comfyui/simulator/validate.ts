import type { NodeCatalogue, NodeDefinition } from "@/lib/graph/catalogue";
import { pyEquals, pyFloatStr, pyRepr, pyStr, pyTruthy, pyTypeName } from "./py-json";

/**
 * Our own rendition of ComfyUI's `validate_prompt` / `validate_inputs`
 * (execution.py, 0.8.0), reproducing the error bodies in
 * shared/comfyui/prompt-errors.json: the same types, messages, details and
 * extra_info, and the same quirks (a cycle reports no node errors; a chain
 * deeper than Python's recursion limit reports a RecursionError on one node).
 */

export interface ValidationErrorItem {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

export interface NodeErrorEntry {
  errors: ValidationErrorItem[];
  dependent_outputs: string[];
  class_type: string;
}

export type PromptValidation =
  | { ok: true; outputs: string[]; nodeErrors: Record<string, NodeErrorEntry> }
  | { ok: false; error: ValidationErrorItem; nodeErrors: Record<string, NodeErrorEntry> };

/** A node's own input check (ComfyUI's VALIDATE_INPUTS): the inputs it takes over, and true or a reason. */
export interface CustomValidator {
  inputs: string[];
  check(values: Record<string, unknown>): true | false | string;
}

export interface ValidateOptions {
  catalogue: NodeCatalogue;
  customValidator?: (classType: string) => CustomValidator | undefined;
  /** ComfyUI's `partial_execution_targets`: only these output nodes. */
  partialExecutionTargets?: string[] | null;
}

/** A Python exception raised while validating, with the type name ComfyUI reports. */
export class PyException extends Error {
  constructor(
    readonly pyType: string,
    message: string,
    readonly where: string,
  ) {
    super(message);
  }
  get traceback(): string[] {
    return [`  File "atelier-simulator/validate.ts", in ${this.where}\n`];
  }
}

/** Malformed input Python would crash on (aiohttp answers 500). */
export class ServerCrash extends Error {}

// CPython's default recursion limit (1000) minus the frames below validate_inputs
// puts the RecursionError 985 levels down; the except handlers that then run out
// of stack too give up until level 979, which records the error on its input's
// node. Measured: chains of >= 985 nodes are rejected, naming node N-979.
const RECURSION_DEPTH = 985;
const RECURSION_CATCH_DEPTH = 979;

type RawPrompt = Record<string, unknown>;
type Validated = Map<string, [boolean, ValidationErrorItem[], string]>;

function nodeOf(prompt: RawPrompt, id: unknown, where: string): Record<string, unknown> {
  const key = typeof id === "string" ? id : null;
  if (key === null || !Object.hasOwn(prompt, key)) throw new PyException("KeyError", pyRepr(id), where);
  const node = prompt[key];
  if (typeof node !== "object" || node === null || Array.isArray(node)) throw new PyException("TypeError", "string indices must be integers", where);
  return node as Record<string, unknown>;
}

/** Output types of a definition (`output` entries may be combo lists). */
function returnTypes(def: NodeDefinition): unknown[] {
  return def.output;
}

function inputSpec(def: NodeDefinition, name: string): { type: unknown; category: "required" | "optional"; extra: Record<string, unknown> } | null {
  for (const category of ["required", "optional"] as const) {
    const spec = def.input[category]?.[name];
    if (spec) return { type: spec[0], category, extra: (spec[1] ?? {}) as Record<string, unknown> };
  }
  return null;
}

function validateNodeInput(received: unknown, expected: unknown): boolean {
  if (pyEquals(received, expected)) return true;
  if (typeof received !== "string" || typeof expected !== "string") {
    return received === "*" || expected === "*" || (Array.isArray(expected) && received === "COMBO");
  }
  const r = new Set(received.split(",").map((t) => t.trim()));
  const e = new Set(expected.split(",").map((t) => t.trim()));
  if (r.has("*") || e.has("*")) return true;
  return [...r].some((t) => e.has(t));
}

function pyInt(value: unknown): number {
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) throw new PyException("ValueError", "cannot convert float NaN to integer", "validate_inputs");
    if (!Number.isFinite(value)) throw new PyException("OverflowError", "cannot convert float infinity to integer", "validate_inputs");
    return Math.trunc(value);
  }
  if (typeof value === "string") {
    const s = value.trim();
    if (/^[+-]?\d+(_\d+)*$/.test(s)) return Number(s.replaceAll("_", ""));
    throw new PyException("ValueError", `invalid literal for int() with base 10: ${pyRepr(value)}`, "validate_inputs");
  }
  throw new PyException("TypeError", `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`, "validate_inputs");
}

function pyFloat(value: unknown): number {
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const s = value.trim().toLowerCase().replaceAll("_", "");
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(s)) return NaN;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return Number(s);
    throw new PyException("ValueError", `could not convert string to float: ${pyRepr(value)}`, "validate_inputs");
  }
  throw new PyException("TypeError", `float() argument must be a string or a real number, not '${pyTypeName(value)}'`, "validate_inputs");
}

function formatNumber(value: unknown, type: unknown): string {
  return type === "FLOAT" && typeof value === "number" ? pyFloatStr(value) : pyStr(value);
}

function validateInputs(prompt: RawPrompt, id: string, validated: Validated, options: ValidateOptions, depth: number): [boolean, ValidationErrorItem[], string] {
  if (depth >= RECURSION_DEPTH) throw new PyException("RecursionError", "maximum recursion depth exceeded while calling a Python object", "validate_inputs");
  const memo = validated.get(id);
  if (memo) return memo;

  const node = nodeOf(prompt, id, "validate_inputs");
  if (!("inputs" in node)) throw new PyException("KeyError", "'inputs'", "validate_inputs");
  const inputs = node.inputs as Record<string, unknown>;
  if (typeof inputs !== "object" || inputs === null) throw new PyException("TypeError", `argument of type '${pyTypeName(inputs)}' is not iterable`, "validate_inputs");
  const classType = node.class_type as string;
  const def = options.catalogue[classType]!;
  const custom = options.customValidator?.(classType);
  const customInputs = new Set(custom?.inputs ?? []);

  const errors: ValidationErrorItem[] = [];
  let valid = true;
  // ComfyUI walks a Python set (arbitrary order); definition order is the stable choice.
  const names = [...Object.keys(def.input.required ?? {}), ...Object.keys(def.input.optional ?? {})];
  for (const x of names) {
    const spec = inputSpec(def, x)!;
    const info = [spec.type, spec.extra];
    if (!Object.hasOwn(inputs, x)) {
      if (spec.category === "required") {
        errors.push({ type: "required_input_missing", message: "Required input is missing", details: x, extra_info: { input_name: x } });
      }
      continue;
    }
    let val = inputs[x];
    if (Array.isArray(val)) {
      if (val.length !== 2) {
        errors.push({
          type: "bad_linked_input",
          message: "Bad linked input, must be a length-2 list of [node_id, slot_index]",
          details: x,
          extra_info: { input_name: x, input_config: info, received_value: val },
        });
        continue;
      }
      const oId = val[0];
      const oNode = nodeOf(prompt, oId, "validate_inputs");
      const oDef = options.catalogue[oNode.class_type as string]!;
      const r = returnTypes(oDef);
      const slot = val[1];
      if (typeof slot !== "number" || !Number.isInteger(slot)) {
        throw new PyException("TypeError", `tuple indices must be integers or slices, not ${pyTypeName(slot)}`, "validate_inputs");
      }
      const index = slot < 0 ? r.length + slot : slot;
      if (index < 0 || index >= r.length) throw new PyException("IndexError", "tuple index out of range", "validate_inputs");
      const receivedType = r[index];
      if (!validateNodeInput(receivedType, spec.type)) {
        errors.push({
          type: "return_type_mismatch",
          message: "Return type mismatch between linked nodes",
          details: `${x}, received_type(${pyStr(receivedType)}) mismatch input_type(${pyStr(spec.type)})`,
          extra_info: { input_name: x, input_config: info, received_type: receivedType, linked_node: val },
        });
        continue;
      }
      try {
        const result = validateInputs(prompt, oId as string, validated, options, depth + 1);
        if (!result[0]) {
          valid = false;
          continue;
        }
      } catch (error) {
        if (!(error instanceof PyException)) throw error;
        if (error.pyType === "RecursionError" && depth > RECURSION_CATCH_DEPTH) throw error;
        valid = false;
        validated.set(oId as string, [
          false,
          [
            {
              type: "exception_during_inner_validation",
              message: "Exception when validating inner node",
              details: error.message,
              extra_info: {
                input_name: x,
                input_config: info,
                exception_message: error.message,
                exception_type: error.pyType,
                traceback: error.traceback,
                linked_node: val,
              },
            },
          ],
          oId as string,
        ]);
        continue;
      }
    } else {
      try {
        if (typeof val === "object" && val !== null && "__value__" in val) {
          val = (val as { __value__: unknown }).__value__;
          inputs[x] = val;
        }
        if (spec.type === "INT") val = pyInt(val);
        else if (spec.type === "FLOAT") val = pyFloat(val);
        else if (spec.type === "STRING") val = pyStr(val);
        else if (spec.type === "BOOLEAN") val = pyTruthy(val);
        inputs[x] = val;
      } catch (error) {
        if (!(error instanceof PyException)) throw error;
        errors.push({
          type: "invalid_input_type",
          message: `Failed to convert an input value to a ${pyStr(spec.type)} value`,
          details: `${x}, ${pyStr(val)}, ${error.message}`,
          extra_info: { input_name: x, input_config: info, received_value: val, exception_message: error.message },
        });
        continue;
      }
      if (customInputs.has(x)) continue;
      const { min, max } = spec.extra as { min?: number; max?: number };
      if (typeof min === "number" && typeof val === "number" && val < min) {
        errors.push({
          type: "value_smaller_than_min",
          message: `Value ${formatNumber(val, spec.type)} smaller than min of ${pyStr(min)}`,
          details: x,
          extra_info: { input_name: x, input_config: info, received_value: val },
        });
        continue;
      }
      if (typeof max === "number" && typeof val === "number" && val > max) {
        errors.push({
          type: "value_bigger_than_max",
          message: `Value ${formatNumber(val, spec.type)} bigger than max of ${pyStr(max)}`,
          details: x,
          extra_info: { input_name: x, input_config: info, received_value: val },
        });
        continue;
      }
      if (Array.isArray(spec.type) || spec.type === "COMBO") {
        const options_ = (Array.isArray(spec.type) ? spec.type : ((spec.extra.options as unknown[]) ?? [])) as unknown[];
        if (!options_.some((o) => pyEquals(o, val))) {
          // ComfyUI leaves out long lists (scanned model folders) from the answer.
          const long = options_.length > 20;
          errors.push({
            type: "value_not_in_list",
            message: "Value not in list",
            details: `${x}: '${pyStr(val)}' not in ${long ? `(list of length ${options_.length})` : pyRepr(options_)}`,
            extra_info: { input_name: x, input_config: long ? null : info, received_value: val },
          });
          continue;
        }
      }
    }
  }

  if (custom) {
    const present = custom.inputs.filter((name) => Object.hasOwn(inputs, name) && !Array.isArray(inputs[name]));
    const values = Object.fromEntries(present.map((name) => [name, inputs[name]]));
    const result = custom.check(values);
    if (result !== true) {
      for (const x of present) {
        errors.push({
          type: "custom_validation_failed",
          message: "Custom validation failed for node",
          details: result === false ? x : `${x} - ${result}`,
          extra_info: { input_name: x },
        });
      }
    }
  }

  const ret: [boolean, ValidationErrorItem[], string] = errors.length > 0 || !valid ? [false, errors, id] : [true, [], id];
  validated.set(id, ret);
  return ret;
}

/**
 * ComfyUI iterates its output set in hash order, which differs per process.
 * Reverse prompt order reproduces every captured trace (the only order-sensitive
 * one, branch-run2, ran "6" before "4").
 */
function orderOutputs(ids: string[]): string[] {
  return [...ids].reverse();
}

/**
 * Validates an API prompt like ComfyUI's validate_prompt. Converts widget
 * values in place (as ComfyUI does: "8" for an INT becomes 8 in what is queued).
 * @throws ServerCrash where ComfyUI itself would crash (answering 500).
 */
export function validatePrompt(prompt: unknown, options: ValidateOptions): PromptValidation {
  if (typeof prompt !== "object" || prompt === null || Array.isArray(prompt)) throw new ServerCrash("prompt is not an object");
  const raw = prompt as RawPrompt;
  const outputs: string[] = [];
  for (const [id, node] of Object.entries(raw)) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) throw new ServerCrash(`node ${id} is not an object`);
    if (!("class_type" in node)) {
      return {
        ok: false,
        error: { type: "invalid_prompt", message: "Cannot execute because a node is missing the class_type property.", details: `Node ID '#${id}'`, extra_info: {} },
        nodeErrors: {},
      };
    }
    const classType = (node as { class_type: unknown }).class_type;
    const def = typeof classType === "string" ? options.catalogue[classType] : undefined;
    if (!def) {
      return {
        ok: false,
        error: { type: "invalid_prompt", message: `Cannot execute because node ${pyStr(classType)} does not exist.`, details: `Node ID '#${id}'`, extra_info: {} },
        nodeErrors: {},
      };
    }
    if (def.output_node === true && (!options.partialExecutionTargets || options.partialExecutionTargets.includes(id))) outputs.push(id);
  }
  if (outputs.length === 0) {
    return { ok: false, error: { type: "prompt_no_outputs", message: "Prompt has no outputs", details: "", extra_info: {} }, nodeErrors: {} };
  }

  const good: string[] = [];
  const nodeErrors: Record<string, NodeErrorEntry> = {};
  const validated: Validated = new Map();
  for (const o of orderOutputs(outputs)) {
    let valid = false;
    try {
      valid = validateInputs(raw, o, validated, options, 1)[0];
    } catch (error) {
      if (!(error instanceof PyException)) throw error;
      validated.set(o, [
        false,
        [
          {
            type: "exception_during_validation",
            message: "Exception when validating node",
            details: error.message,
            extra_info: { exception_type: error.pyType, traceback: error.traceback },
          },
        ],
        o,
      ]);
    }
    if (valid) {
      good.push(o);
      continue;
    }
    // As in ComfyUI: every node that failed so far (with reasons) gets this output as a dependant.
    for (const [nodeId, [ok, reasons]] of validated) {
      if (ok || reasons.length === 0) continue;
      nodeErrors[nodeId] ??= { errors: reasons, dependent_outputs: [], class_type: (raw[nodeId] as { class_type: string }).class_type };
      nodeErrors[nodeId].dependent_outputs.push(o);
    }
  }
  if (good.length === 0) {
    return {
      ok: false,
      // 0.8.0 leaves details empty; the reasons are in node_errors.
      error: { type: "prompt_outputs_failed_validation", message: "Prompt outputs failed validation", details: "", extra_info: {} },
      nodeErrors,
    };
  }
  return { ok: true, outputs: good, nodeErrors };
}
