import { z } from "zod";
import { zJsonValue, zNodeId } from "@/lib/graph/model";
import { compareBumpLevels, formatVersion, getBumpLevel, bumpVersion, parseVersion, type BumpLevel } from "./version";

/**
 * A template's public interface (the parameters a caller may set and the
 * outputs it gets back), the diff between two interfaces, and the semver
 * bump a diff requires (DESIGN.md): removed or retyped parameter or output →
 * major; added parameter or output (a capability) → minor; defaults,
 * descriptions and where a parameter lands inside the graph → patch.
 */

export const zTemplateParameter = z.object({
  /** Name callers use; unique within the interface. */
  name: z.string().min(1),
  /** The node input the value is written to. */
  target: z.object({ nodeId: zNodeId, input: z.string().min(1) }),
  /** ComfyUI widget type: INT, FLOAT, STRING, BOOLEAN, COMBO (or another type name). */
  type: z.string().min(1),
  default: zJsonValue,
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
  /** Allowed values of a COMBO parameter. */
  options: z.array(zJsonValue).optional(),
  description: z.string().optional(),
});
export type TemplateParameter = z.infer<typeof zTemplateParameter>;

export const zTemplateOutput = z.object({
  name: z.string().min(1),
  /** The output node that produces it. */
  nodeId: zNodeId,
  /** What it produces, e.g. IMAGE, VIDEO, STRING. */
  type: z.string().min(1),
});
export type TemplateOutput = z.infer<typeof zTemplateOutput>;

/** A template's interface: exposed parameters and outputs. */
export const zTemplateInterface = z.object({
  parameters: z.array(zTemplateParameter),
  outputs: z.array(zTemplateOutput),
});
export type TemplateInterface = z.infer<typeof zTemplateInterface>;

/** What kind of change one interface entry went through. */
export const zInterfaceChangeKind = z.enum([
  "parameter_removed",
  "parameter_retyped",
  "parameter_range_narrowed",
  "parameter_options_removed",
  "parameter_added",
  "parameter_range_widened",
  "parameter_options_added",
  "parameter_default_changed",
  "parameter_step_changed",
  "parameter_description_changed",
  "parameter_retargeted",
  "output_removed",
  "output_retyped",
  "output_added",
  "output_moved",
]);
export type InterfaceChangeKind = z.infer<typeof zInterfaceChangeKind>;

/** One change between two interfaces, with the bump it requires and why. */
export interface InterfaceChange {
  kind: InterfaceChangeKind;
  /** The parameter or output name. */
  name: string;
  bump: BumpLevel;
  reason: string;
}

/** The changes between two interfaces, most demanding first. */
export interface InterfaceDiff {
  changes: InterfaceChange[];
}

const BUMP_OF: Record<InterfaceChangeKind, BumpLevel> = {
  parameter_removed: "major",
  parameter_retyped: "major",
  // Values that used to be accepted are now rejected: callers break.
  parameter_range_narrowed: "major",
  parameter_options_removed: "major",
  parameter_added: "minor",
  parameter_range_widened: "minor",
  parameter_options_added: "minor",
  parameter_default_changed: "patch",
  parameter_step_changed: "patch",
  parameter_description_changed: "patch",
  parameter_retargeted: "patch",
  output_removed: "major",
  output_retyped: "major",
  output_added: "minor",
  output_moved: "patch",
};

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  return value === undefined ? "none" : JSON.stringify(value);
}

function diffParameter(a: TemplateParameter, b: TemplateParameter, push: (kind: InterfaceChangeKind, reason: string) => void): void {
  const p = `parameter "${a.name}"`;
  if (a.type !== b.type) {
    push("parameter_retyped", `${p} changed type from ${a.type} to ${b.type}; callers passing ${a.type} values break`);
    return;
  }
  const narrowedMin = b.min !== undefined && (a.min === undefined || b.min > a.min);
  const narrowedMax = b.max !== undefined && (a.max === undefined || b.max < a.max);
  const widenedMin = a.min !== undefined && (b.min === undefined || b.min < a.min);
  const widenedMax = a.max !== undefined && (b.max === undefined || b.max > a.max);
  if (narrowedMin || narrowedMax) {
    push("parameter_range_narrowed", `${p} now accepts ${show(b.min)}..${show(b.max)} instead of ${show(a.min)}..${show(a.max)}; some values that worked are now rejected`);
  } else if (widenedMin || widenedMax) {
    push("parameter_range_widened", `${p} now accepts ${show(b.min)}..${show(b.max)} instead of ${show(a.min)}..${show(a.max)}`);
  }
  const before = a.options ?? [];
  const after = b.options ?? [];
  const removed = before.filter((o) => !after.some((x) => jsonEqual(o, x)));
  const added = after.filter((o) => !before.some((x) => jsonEqual(o, x)));
  // No list at all means "anything": dropping the list widens, adding one narrows.
  if (a.options !== undefined && b.options === undefined) push("parameter_range_widened", `${p} no longer restricts its values to a list`);
  else if (a.options === undefined && b.options !== undefined) push("parameter_range_narrowed", `${p} now only accepts ${after.map(show).join(", ")}; other values that worked are now rejected`);
  else {
    if (removed.length > 0) push("parameter_options_removed", `${p} no longer offers ${removed.map(show).join(", ")}`);
    if (added.length > 0) push("parameter_options_added", `${p} now also offers ${added.map(show).join(", ")}`);
  }
  if (!jsonEqual(a.default, b.default)) push("parameter_default_changed", `${p} default changed from ${show(a.default)} to ${show(b.default)}`);
  if (a.step !== b.step) push("parameter_step_changed", `${p} step changed from ${show(a.step)} to ${show(b.step)}`);
  if (a.description !== b.description) push("parameter_description_changed", `${p} description changed`);
  if (a.target.nodeId !== b.target.nodeId || a.target.input !== b.target.input) {
    push(
      "parameter_retargeted",
      `${p} now sets node #${b.target.nodeId} input "${b.target.input}" instead of node #${a.target.nodeId} input "${a.target.input}" (internal)`,
    );
  }
}

/** Compares two interfaces entry by entry (by name). @returns every change with the bump it requires and a reason. */
export function diffInterfaces(a: TemplateInterface, b: TemplateInterface): InterfaceDiff {
  const changes: InterfaceChange[] = [];
  const push = (name: string) => (kind: InterfaceChangeKind, reason: string) => changes.push({ kind, name, bump: BUMP_OF[kind], reason });
  const paramsAfter = new Map(b.parameters.map((p) => [p.name, p]));
  const paramsBefore = new Map(a.parameters.map((p) => [p.name, p]));
  for (const p of a.parameters) {
    const other = paramsAfter.get(p.name);
    if (!other) push(p.name)("parameter_removed", `parameter "${p.name}" was removed; callers that set it break`);
    else diffParameter(p, other, push(p.name));
  }
  for (const p of b.parameters) {
    if (!paramsBefore.has(p.name)) push(p.name)("parameter_added", `parameter "${p.name}" (${p.type}) was added`);
  }
  const outsAfter = new Map(b.outputs.map((o) => [o.name, o]));
  const outsBefore = new Map(a.outputs.map((o) => [o.name, o]));
  for (const o of a.outputs) {
    const other = outsAfter.get(o.name);
    if (!other) push(o.name)("output_removed", `output "${o.name}" was removed; callers reading it break`);
    else if (other.type !== o.type) push(o.name)("output_retyped", `output "${o.name}" changed type from ${o.type} to ${other.type}`);
    else if (other.nodeId !== o.nodeId) push(o.name)("output_moved", `output "${o.name}" now comes from node #${other.nodeId} instead of #${o.nodeId} (internal)`);
  }
  for (const o of b.outputs) {
    if (!outsBefore.has(o.name)) push(o.name)("output_added", `output "${o.name}" (${o.type}) was added`);
  }
  changes.sort((x, y) => compareBumpLevels(y.bump, x.bump));
  return { changes };
}

/** The smallest bump an interface diff allows: the largest any change requires; patch when only internals changed. */
export function inferBump(diff: InterfaceDiff): BumpLevel {
  let level: BumpLevel = "patch";
  for (const change of diff.changes) if (compareBumpLevels(change.bump, level) > 0) level = change.bump;
  return level;
}

export type CheckBumpResult =
  | { ok: true; required: BumpLevel; actual: BumpLevel }
  | { ok: false; required: BumpLevel; actual?: BumpLevel; reason: string };

/**
 * Checks that publishing `toVersion` after `fromVersion` bumps enough for `diff`.
 * @returns ok, or the reason it refuses (unparsable or not-later version, or a bump smaller than a change requires), naming the change.
 */
export function checkBump(fromVersion: string, toVersion: string, diff: InterfaceDiff): CheckBumpResult {
  const required = inferBump(diff);
  const from = parseVersion(fromVersion);
  if (!from.ok) return { ok: false, required, reason: `The current version: ${from.error}` };
  const to = parseVersion(toVersion);
  if (!to.ok) return { ok: false, required, reason: `The new version: ${to.error}` };
  const actual = getBumpLevel(from.version, to.version);
  const suggestion = formatVersion(bumpVersion(from.version, required));
  if (actual === undefined) {
    return { ok: false, required, reason: `${toVersion} is not later than ${fromVersion}; publish ${suggestion} or later.` };
  }
  if (compareBumpLevels(actual, required) < 0) {
    const why = diff.changes.find((c) => c.bump === required);
    return {
      ok: false,
      required,
      actual,
      reason: `${fromVersion} → ${toVersion} is a ${actual} bump, but ${why ? why.reason : "the changes need more"}, which requires a ${required} bump: publish ${suggestion}.`,
    };
  }
  return { ok: true, required, actual };
}
