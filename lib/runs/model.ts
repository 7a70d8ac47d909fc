/**
 * The run view shared by the server (which records and streams it) and the
 * browser (which folds the stream back into it): one run of a workflow on a
 * ComfyUI server, its per-node states, outputs and errors.
 */

/** Where a run is. Terminal: success, error, interrupted, cancelled, rejected, lost, unknown, failed. */
export type RunStatus =
  /** Created; compiling and sending to ComfyUI. */
  | "pending"
  /** Accepted by ComfyUI, waiting in its queue. */
  | "queued"
  | "running"
  | "success"
  /** A node raised an exception. */
  | "error"
  /** Interrupted while running. */
  | "interrupted"
  /** Removed from the queue before it started. */
  | "cancelled"
  /** ComfyUI (or the compiler) refused the prompt; see `rejection`. */
  | "rejected"
  /** ComfyUI forgot the prompt (it was restarted mid-run). */
  | "lost"
  /** Atelier restarted while the run was in flight and ComfyUI no longer knows it. */
  | "unknown"
  /** Atelier could not send the prompt (ComfyUI unreachable, breaker open). */
  | "failed";

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["success", "error", "interrupted", "cancelled", "rejected", "lost", "unknown", "failed"];

/** True once a run can no longer change. */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export type NodeRunStateKind = "queued" | "running" | "cached" | "done" | "error" | "interrupted";

/** One node of a run, as a node card shows it. */
export interface NodeRunState {
  state: NodeRunStateKind;
  /** Step progress while running (sampler steps), else 0/0. */
  value: number;
  max: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** For "error": the exception message and type. */
  message: string | null;
  exceptionType: string | null;
  traceback: string[] | null;
}

export type OutputMediaKind = "image" | "video" | "audio" | "text" | "other";

/** A file a run produced, downloaded into Atelier's data dir and served at `url`. */
export interface RunOutput {
  index: number;
  nodeId: string;
  filename: string;
  subfolder: string;
  /** ComfyUI's folder type: output, temp. */
  type: string;
  media: OutputMediaKind;
  /** Served by Atelier (`/files/runs/<runId>/<index>`); null when the download failed. */
  url: string | null;
  bytes: number | null;
  /** Why it could not be downloaded, when it could not. */
  problem: string | null;
}

/** The exception that stopped a run. */
export interface RunError {
  nodeId: string | null;
  nodeType: string | null;
  exceptionType: string;
  message: string;
  traceback: string[];
}

/** One problem of a rejected prompt, pinned to a node and (when known) an input. */
export interface RunIssue {
  nodeId: string | null;
  classType: string | null;
  inputName: string | null;
  type: string;
  message: string;
}

export interface RunRejection {
  message: string;
  issues: RunIssue[];
}

/** Everything known about one run. */
export interface RunView {
  id: string;
  workflowId: string | null;
  versionId: number | null;
  documentHash: string;
  graphHash: string;
  /** The document was a draft, not a saved version. */
  unsaved: boolean;
  /** The run this one repeats, if it was a "Run again". */
  rerunOf: string | null;
  serverUrl: string;
  promptId: string | null;
  status: RunStatus;
  /** 0 = running next; null when not queued or unknown. */
  queuePosition: number | null;
  createdAt: number;
  queuedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Every node of the compiled prompt, by prompt node id ("9", or "12:5" inside subgraph 12). */
  nodes: Record<string, NodeRunState>;
  nodeTypes: Record<string, string>;
  cachedNodes: string[];
  outputs: RunOutput[];
  error: RunError | null;
  rejection: RunRejection | null;
  /** A sentence on what happened when it was not a plain success or error (lost, unknown, failed, cancelled). */
  detail: string | null;
}

/** What a run subscription streams: the current view first, then changes. */
export type RunStreamEvent =
  | { type: "snapshot"; run: RunView }
  | { type: "status"; status: RunStatus; queuePosition: number | null; promptId: string | null; /** The run's sentence when it changed with this event (absent: unchanged). */ detail?: string | null; at: number }
  | { type: "node"; nodeId: string; node: NodeRunState }
  | { type: "output"; output: RunOutput }
  | { type: "preview"; nodeId: string | null; mime: string; dataBase64: string }
  | { type: "end"; run: RunView };

/** A fresh node state. */
export function makeNodeRunState(state: NodeRunStateKind = "queued"): NodeRunState {
  return { state, value: 0, max: 0, startedAt: null, finishedAt: null, message: null, exceptionType: null, traceback: null };
}

/** Folds one stream event into a view (a new object; `view` is not changed). `null` before the first snapshot. */
export function applyRunStreamEvent(view: RunView | null, event: RunStreamEvent): RunView | null {
  switch (event.type) {
    case "snapshot":
    case "end":
      return event.run;
    case "status":
      if (!view) return view;
      return { ...view, status: event.status, queuePosition: event.queuePosition, promptId: event.promptId ?? view.promptId, detail: event.detail === undefined ? view.detail : event.detail };
    case "node":
      if (!view) return view;
      return { ...view, nodes: { ...view.nodes, [event.nodeId]: event.node } };
    case "output":
      if (!view) return view;
      return { ...view, outputs: [...view.outputs.filter((o) => o.index !== event.output.index), event.output].sort((a, b) => a.index - b.index) };
    case "preview":
      return view;
    default: {
      const unknown: never = event;
      throw new Error(`Unexpected run event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Overall progress in [0, 1]: finished and cached nodes count whole, the running node by its steps. */
export function computeRunProgress(view: Pick<RunView, "nodes" | "status">): number {
  if (view.status === "success") return 1;
  const nodes = Object.values(view.nodes);
  if (nodes.length === 0) return 0;
  let done = 0;
  for (const n of nodes) {
    if (n.state === "done" || n.state === "cached") done += 1;
    else if (n.state === "running" && n.max > 0) done += Math.min(1, n.value / n.max);
  }
  return done / nodes.length;
}

/** The media kind of an output file, from its name. */
export function mediaKindOf(filename: string): OutputMediaKind {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
  if (["png", "jpg", "jpeg", "webp", "gif", "bmp", "avif"].includes(ext)) return "image";
  if (["mp4", "webm", "mov", "mkv"].includes(ext)) return "video";
  if (["wav", "mp3", "flac", "ogg", "m4a"].includes(ext)) return "audio";
  if (["txt", "json"].includes(ext)) return "text";
  return "other";
}
