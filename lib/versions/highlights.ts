import type { DocumentDiff, NodeChange } from "@/lib/graph/diff";
import type { JsonValue } from "@/lib/graph/model";

/** How a node shows in a diff overlay on the canvas. */
export type NodeDiffStatus = "added" | "removed" | "changed" | "moved";

export interface NodeHighlight {
  status: NodeDiffStatus;
  /** One line per changed value, "steps: 20 → 30". */
  changes: string[];
}

/** A value as a short, readable text for a diff line (long strings cut to 60 characters). */
export function formatDiffValue(value: JsonValue | undefined): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The old → new lines of one node change. */
export function describeNodeChange(change: NodeChange): string[] {
  const lines: string[] = [];
  if (change.type) lines.push(`type: ${change.type.before ?? "?"} → ${change.type.after ?? "?"}`);
  if (change.mode) lines.push(`mode: ${change.mode.before ?? "?"} → ${change.mode.after ?? "?"}`);
  if (change.title) lines.push(`title: ${formatDiffValue(change.title.before)} → ${formatDiffValue(change.title.after)}`);
  for (const w of change.widgets) lines.push(`${w.input}: ${formatDiffValue(w.before)} → ${formatDiffValue(w.after)}`);
  for (const c of change.controls) lines.push(`${c.input} (after generate): ${c.before ?? "(unset)"} → ${c.after ?? "(unset)"}`);
  return lines;
}

/**
 * Per-node status for drawing a diff on the canvas: added green, removed
 * ghosted red, changed with its old → new values, moved (layout only) apart.
 * Removed nodes are keyed by their id in the "before" document.
 */
export function getDiffHighlights(diff: DocumentDiff): Record<string, NodeHighlight> {
  const out: Record<string, NodeHighlight> = {};
  for (const n of diff.graph.nodesAdded) out[n.id] = { status: "added", changes: [] };
  for (const n of diff.graph.nodesRemoved) out[n.id] = { status: "removed", changes: [] };
  for (const c of diff.graph.nodesChanged) out[c.nodeId] = { status: "changed", changes: describeNodeChange(c) };
  for (const m of [...diff.layout.nodesMoved, ...diff.layout.nodesResized, ...diff.layout.nodesRestyled]) {
    out[m.nodeId] ??= { status: "moved", changes: [] };
  }
  return out;
}
