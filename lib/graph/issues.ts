import { z } from "zod";
import { zNodeId } from "./model";

/**
 * Typed validation issues. Each names the node (and input, where there is
 * one) so the canvas can mark the exact spot, and carries a message a person
 * can act on.
 */

/** How bad an issue is: an error stops ComfyUI from running the graph; a warning is worth a look. */
export const zIssueSeverity = z.enum(["error", "warning"]);
export type IssueSeverity = z.infer<typeof zIssueSeverity>;

const base = {
  severity: zIssueSeverity,
  /** Set when the node is inside a subgraph definition (then nodeId is its id there). */
  subgraphId: z.string().optional(),
  nodeId: zNodeId,
  inputName: z.string().optional(),
  message: z.string(),
};

/** Why an input that has an edge still receives nothing when ComfyUI runs. */
export const zSourceCause = z.object({
  /** The node the value stops at. */
  nodeId: zNodeId,
  reason: z.enum(["muted", "bypassed_without_matching_input", "bypassed_input_unconnected", "reroute_unconnected", "note"]),
});
export type SourceCause = z.infer<typeof zSourceCause>;

export const zCycleIssue = z.object({
  kind: z.literal("cycle"),
  ...base,
  /** Every node of the strongly connected component, in graph order. */
  nodeIds: z.array(zNodeId),
});
export const zUnknownNodeTypeIssue = z.object({ kind: z.literal("unknown_node_type"), ...base, nodeType: z.string() });
export const zMissingRequiredInputIssue = z.object({
  kind: z.literal("missing_required_input"),
  ...base,
  inputName: z.string(),
  /** Set when an edge exists but its source does not run (muted, bypassed without a pass-through, unconnected reroute). */
  cause: zSourceCause.optional(),
});
export const zTypeMismatchIssue = z.object({
  kind: z.literal("type_mismatch"),
  ...base,
  inputName: z.string(),
  sourceNodeId: zNodeId,
  sourceSlot: z.number().int(),
  receivedType: z.string(),
  expectedType: z.string(),
});
export const zValueOutOfRangeIssue = z.object({
  kind: z.literal("value_out_of_range"),
  ...base,
  inputName: z.string(),
  value: z.number(),
  bound: z.enum(["min", "max"]),
  limit: z.number(),
});
export const zValueNotInListIssue = z.object({
  kind: z.literal("value_not_in_list"),
  ...base,
  inputName: z.string(),
  value: z.unknown(),
  allowed: z.array(z.unknown()),
});
export const zInvalidValueTypeIssue = z.object({
  kind: z.literal("invalid_value_type"),
  ...base,
  inputName: z.string(),
  value: z.unknown(),
  expectedType: z.string(),
});
export const zDanglingLinkIssue = z.object({
  kind: z.literal("dangling_link"),
  ...base,
  edgeId: z.string(),
  /** The id the edge points at that no node has. */
  missingNodeId: z.string(),
  end: z.enum(["source", "target"]),
});
export const zMissingSlotIssue = z.object({
  kind: z.literal("missing_slot"),
  ...base,
  edgeId: z.string(),
  /** "output": the source has no such output slot; "input": the target's definition has no such input. */
  end: z.enum(["output", "input"]),
  sourceNodeId: zNodeId,
  sourceSlot: z.number().int(),
});
export const zDuplicateNodeIdIssue = z.object({ kind: z.literal("duplicate_node_id"), ...base, count: z.number().int() });
export const zNoOutputNodeIssue = z.object({
  kind: z.literal("no_output_node"),
  severity: zIssueSeverity,
  subgraphId: z.string().optional(),
  message: z.string(),
});
export const zDepthExceedsComfyuiIssue = z.object({
  kind: z.literal("depth_exceeds_comfyui"),
  ...base,
  /** Nodes on the longest path that ComfyUI would execute. */
  depth: z.number().int(),
  limit: z.number().int(),
});

/** One validation finding; `kind` says which. */
export const zGraphIssue = z.discriminatedUnion("kind", [
  zCycleIssue,
  zUnknownNodeTypeIssue,
  zMissingRequiredInputIssue,
  zTypeMismatchIssue,
  zValueOutOfRangeIssue,
  zValueNotInListIssue,
  zInvalidValueTypeIssue,
  zDanglingLinkIssue,
  zMissingSlotIssue,
  zDuplicateNodeIdIssue,
  zNoOutputNodeIssue,
  zDepthExceedsComfyuiIssue,
]);
export type GraphIssue = z.infer<typeof zGraphIssue>;
export type GraphIssueKind = GraphIssue["kind"];
/** The issue of one kind, e.g. `IssueOf<"cycle">`. */
export type IssueOf<K extends GraphIssueKind> = Extract<GraphIssue, { kind: K }>;

/** The node an issue points at, if any (a missing output node belongs to the whole graph). */
export function getIssueNodeId(issue: GraphIssue): string | undefined {
  return issue.kind === "no_output_node" ? undefined : issue.nodeId;
}
