import { canonicalJson } from "@/lib/graph/hash";
import { diffGraphs } from "@/lib/graph/diff";
import type { JsonValue, WorkflowDocument } from "@/lib/graph/model";
import type { TemplateInterface, TemplateParameter } from "@/lib/semver";

/** A parameter value that could not be written, and why. */
export interface ParameterIssue {
  parameter: string;
  message: string;
}

/** Why `value` is not acceptable for `param`, or null when it is. */
export function checkParameterValue(param: TemplateParameter, value: JsonValue): string | null {
  const p = `Parameter "${param.name}"`;
  switch (param.type) {
    case "INT":
      if (typeof value !== "number" || !Number.isInteger(value)) return `${p} needs a whole number, got ${JSON.stringify(value)}.`;
      break;
    case "FLOAT":
      if (typeof value !== "number" || !Number.isFinite(value)) return `${p} needs a number, got ${JSON.stringify(value)}.`;
      break;
    case "STRING":
      if (typeof value !== "string") return `${p} needs text, got ${JSON.stringify(value)}.`;
      break;
    case "BOOLEAN":
      if (typeof value !== "boolean") return `${p} needs true or false, got ${JSON.stringify(value)}.`;
      break;
    default:
      break;
  }
  if (typeof value === "number") {
    if (param.min !== undefined && value < param.min) return `${p} is at least ${param.min}, got ${value}.`;
    if (param.max !== undefined && value > param.max) return `${p} is at most ${param.max}, got ${value}.`;
  }
  if (param.options && !param.options.some((o) => canonicalJson(o) === canonicalJson(value))) {
    return `${p} must be one of ${param.options.map((o) => JSON.stringify(o)).join(", ")}; got ${JSON.stringify(value)}.`;
  }
  return null;
}

/**
 * Writes parameter values (falling back to each default) into the nodes the
 * interface targets.
 * @returns the new document and an issue per value that was refused (its default is kept) or target that is missing.
 */
export function applyParameters(
  doc: WorkflowDocument,
  iface: TemplateInterface,
  values: Readonly<Record<string, JsonValue>> = {},
): { document: WorkflowDocument; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const nodes = doc.graph.nodes.map((n) => ({ ...n, widgets: { ...n.widgets } }));
  const byId = new Map(nodes.map((n) => [n.id as string, n]));
  for (const name of Object.keys(values)) {
    if (!iface.parameters.some((p) => p.name === name)) issues.push({ parameter: name, message: `This template has no parameter "${name}".` });
  }
  for (const param of iface.parameters) {
    const node = byId.get(param.target.nodeId);
    if (!node) {
      issues.push({ parameter: param.name, message: `Parameter "${param.name}" targets node #${param.target.nodeId}, which is not in the graph.` });
      continue;
    }
    let value = Object.hasOwn(values, param.name) ? values[param.name]! : param.default;
    const problem = checkParameterValue(param, value);
    if (problem) {
      issues.push({ parameter: param.name, message: `${problem} The default ${JSON.stringify(param.default)} is used instead.` });
      value = param.default;
    }
    node.widgets[param.target.input] = value;
  }
  return { document: { ...doc, graph: { ...doc.graph, nodes } }, issues };
}

/** The current value of every parameter, read from the node input it targets (undefined when the node or input is gone). */
export function readParameterValues(doc: WorkflowDocument, iface: TemplateInterface): Record<string, JsonValue | undefined> {
  const byId = new Map(doc.graph.nodes.map((n) => [n.id as string, n]));
  return Object.fromEntries(iface.parameters.map((p) => [p.name, byId.get(p.target.nodeId)?.widgets[p.target.input]]));
}

/** A value carried from the old version to the new one. */
export interface CarriedValue {
  parameter: string;
  /** The old name when the parameter was renamed. */
  from?: string;
  value: JsonValue;
}

/** Something the person had that the new version cannot keep. */
export interface NotCarried {
  kind: "parameter_removed" | "value_refused" | "graph_edit";
  parameter?: string;
  nodeId?: string;
  value?: JsonValue;
  message: string;
}

export interface UpgradePlan {
  document: WorkflowDocument;
  carried: CarriedValue[];
  notCarried: NotCarried[];
}

interface UpgradeSide {
  version: string;
  interface: TemplateInterface;
  document: WorkflowDocument;
}

/**
 * Moves a workflow made from one template version to another: starts from
 * the new version's graph, keeps every parameter value the person changed
 * from the old default (following renames), and lists what cannot come
 * along: removed parameters, values the new version refuses, and edits made
 * outside the parameters (those live only in the old graph).
 */
export function planTemplateUpgrade(input: {
  from: UpgradeSide;
  to: UpgradeSide & { renamedParameters?: Readonly<Record<string, string>> };
  current: WorkflowDocument;
}): UpgradePlan {
  const { from, to, current } = input;
  const currentValues = readParameterValues(current, from.interface);
  const oldByName = new Map(from.interface.parameters.map((p) => [p.name, p]));
  const renamedFrom = new Map(Object.entries(to.renamedParameters ?? {}));
  const newNames = new Set(to.interface.parameters.map((p) => p.name));
  const oldNameOf = (newName: string) => renamedFrom.get(newName) ?? newName;
  const claimed = new Set(to.interface.parameters.map((p) => oldNameOf(p.name)));

  const carried: CarriedValue[] = [];
  const notCarried: NotCarried[] = [];
  const values: Record<string, JsonValue> = {};
  const isPersonal = (name: string): boolean => {
    const old = oldByName.get(name);
    const value = currentValues[name];
    return old !== undefined && value !== undefined && canonicalJson(value) !== canonicalJson(old.default);
  };

  for (const param of to.interface.parameters) {
    const oldName = oldNameOf(param.name);
    if (!isPersonal(oldName)) continue;
    const value = currentValues[oldName]!;
    const problem = checkParameterValue(param, value);
    if (problem) {
      notCarried.push({
        kind: "value_refused",
        parameter: oldName,
        value,
        message: `${problem} Version ${to.version} uses its default ${JSON.stringify(param.default)}.`,
      });
      continue;
    }
    values[param.name] = value;
    carried.push(oldName === param.name ? { parameter: param.name, value } : { parameter: param.name, from: oldName, value });
  }
  for (const old of from.interface.parameters) {
    if (claimed.has(old.name) || newNames.has(old.name) || !isPersonal(old.name)) continue;
    notCarried.push({
      kind: "parameter_removed",
      parameter: old.name,
      value: currentValues[old.name],
      message: `Version ${to.version} has no parameter "${old.name}"; your value ${JSON.stringify(currentValues[old.name])} cannot be kept.`,
    });
  }

  // Edits outside the parameters: compare the current graph with the old template graph carrying the same parameter values.
  const expected = applyParameters(from.document, from.interface, Object.fromEntries(
    Object.entries(currentValues).filter((e): e is [string, JsonValue] => e[1] !== undefined),
  )).document;
  const edits = diffGraphs(expected.graph, current.graph);
  for (const n of edits.nodesAdded) notCarried.push({ kind: "graph_edit", nodeId: n.id, message: `Node #${n.id} (${n.type}) you added is not in version ${to.version}.` });
  for (const n of edits.nodesRemoved) notCarried.push({ kind: "graph_edit", nodeId: n.id, message: `Node #${n.id} (${n.type}) you removed is back in version ${to.version}.` });
  for (const c of edits.nodesChanged) {
    const inputs = [...c.widgets.map((w) => w.input), ...c.controls.map((w) => w.input), ...(c.mode ? ["mode"] : []), ...(c.title ? ["title"] : []), ...(c.type ? ["type"] : [])];
    notCarried.push({ kind: "graph_edit", nodeId: c.nodeId, message: `Your edits to node #${c.nodeId} (${inputs.join(", ")}) are not parameters and are not carried to version ${to.version}.` });
  }
  if (edits.edgesAdded.length + edits.edgesRemoved.length > 0) {
    notCarried.push({ kind: "graph_edit", message: `${edits.edgesAdded.length + edits.edgesRemoved.length} link change(s) you made are not carried to version ${to.version}.` });
  }

  const applied = applyParameters(to.document, to.interface, values);
  return { document: { ...applied.document, layout: to.document.layout, metadata: { ...to.document.metadata, name: current.metadata.name } }, carried, notCarried };
}
