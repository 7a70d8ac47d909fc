import type { NodeRunState, RunStatus, RunView } from "@/lib/runs";

/**
 * What a node card shows for one node of a run. Keys are prompt node ids:
 * a root node's id, or "<instance>:<inner>" for a node inside a subgraph
 * instance (mark the instance with the worst of its inner nodes).
 */
export interface NodeRunMark {
  state: NodeRunState["state"];
  /** 0..1 while a sampler steps; null otherwise. */
  progress: number | null;
  /** "3/20" while stepping; "cached", "error", … otherwise. */
  label: string;
  tone: "idle" | "active" | "ok" | "muted" | "danger" | "warn";
  /** Error text (exception, or every validation problem of this node). */
  message: string | null;
  traceback: string[] | null;
  /** Validation problems by input name ("" when not tied to an input). */
  inputs: Record<string, string[]>;
  /** Milliseconds the node ran, once it finished. */
  durationMs: number | null;
}

const TONES: Record<NodeRunState["state"], NodeRunMark["tone"]> = {
  queued: "idle",
  running: "active",
  cached: "muted",
  done: "ok",
  error: "danger",
  interrupted: "warn",
};

function markOf(node: NodeRunState): NodeRunMark {
  const stepping = node.state === "running" && node.max > 0;
  return {
    state: node.state,
    progress: stepping ? node.value / node.max : null,
    label: stepping ? `${node.value}/${node.max}` : node.state,
    tone: TONES[node.state],
    message: node.message,
    traceback: node.traceback,
    inputs: {},
    durationMs: node.startedAt !== null && node.finishedAt !== null ? node.finishedAt - node.startedAt : null,
  };
}

/** What the previous call saw and made, so unchanged nodes keep their mark objects. */
export interface NodeRunMarksCache {
  nodes: RunView["nodes"];
  marks: Record<string, NodeRunMark>;
}

/**
 * Per-node marks for the canvas, from a run view (rejection issues included).
 * With `previous`, a node whose state object is the same as then keeps its
 * mark object: a sampler step changes one node, so memoized node cards and
 * rows of the other nodes skip their render.
 */
export function getNodeRunMarks(run: RunView | null, previous?: NodeRunMarksCache | null): Record<string, NodeRunMark> {
  const marks: Record<string, NodeRunMark> = {};
  if (!run) return marks;
  const reuse = previous && !run.rejection ? previous : null;
  for (const [id, node] of Object.entries(run.nodes)) {
    const before = reuse?.nodes[id] === node ? reuse.marks[id] : undefined;
    marks[id] = before ?? markOf(node);
  }
  for (const issue of run.rejection?.issues ?? []) {
    if (!issue.nodeId) continue;
    const mark = (marks[issue.nodeId] ??= { state: "error", progress: null, label: "error", tone: "danger", message: null, traceback: null, inputs: {}, durationMs: null });
    (mark.inputs[issue.inputName ?? ""] ??= []).push(issue.message);
    mark.message = mark.message ? `${mark.message}\n${issue.message}` : issue.message;
  }
  return marks;
}

const SEVERITY: Record<NodeRunState["state"], number> = { queued: 0, cached: 1, done: 2, interrupted: 3, running: 4, error: 5 };

/**
 * The mark for a node of the root graph: its own, or for a subgraph instance
 * the most telling of its inner nodes ("12:5", "12:7:3" for instance 12):
 * error over running over interrupted over done over cached over queued.
 */
export function getNodeRunMark(marks: Record<string, NodeRunMark>, nodeId: string): NodeRunMark | undefined {
  if (marks[nodeId]) return marks[nodeId];
  const prefix = `${nodeId}:`;
  let worst: NodeRunMark | undefined;
  for (const [id, mark] of Object.entries(marks)) {
    if (!id.startsWith(prefix)) continue;
    if (!worst || SEVERITY[mark.state] > SEVERITY[worst.state]) worst = mark;
  }
  return worst;
}

export const STATUS_LABELS: Record<RunStatus, string> = {
  pending: "sending…",
  queued: "queued",
  running: "running",
  success: "done",
  error: "failed in a node",
  interrupted: "interrupted",
  cancelled: "cancelled",
  rejected: "refused",
  lost: "lost",
  unknown: "unknown",
  failed: "not sent",
};

export function statusTone(status: RunStatus): NodeRunMark["tone"] {
  switch (status) {
    case "pending":
    case "queued":
      return "idle";
    case "running":
      return "active";
    case "success":
      return "ok";
    case "error":
    case "rejected":
    case "failed":
      return "danger";
    case "interrupted":
    case "cancelled":
    case "lost":
    case "unknown":
      return "warn";
    default: {
      const unknown: never = status;
      throw new Error(`Unexpected run status ${String(unknown)}`);
    }
  }
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "–";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
