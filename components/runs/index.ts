export { useRun } from "./use-run";
export type { RunTarget, UseRunResult } from "./use-run";
export { RunPanel } from "./run-panel";
export type { RunPanelProps } from "./run-panel";
export { NodeRunBadge } from "./node-run-badge";
export { RunOutputs } from "./run-outputs";
export { getNodeRunMark, getNodeRunMarks, formatDuration, STATUS_LABELS, statusTone } from "./run-state";
export type { NodeRunMark } from "./run-state";
