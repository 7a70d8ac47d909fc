/**
 * The ComfyUI layer: protocol schemas, the client (HTTP + websocket, with
 * deadlines, retries, a circuit breaker and run reconciliation) and the
 * protocol-exact simulator used by tests and `npm run sim`.
 */
export { ComfyClient, DEFAULT_TIMEOUTS, isComfyUnavailable, normalizeComfyUrl } from "./client";
export type { ComfyClientOptions, ComfyTimeouts, NodeCatalogueSnapshot, QueuePromptResult, RunEvent, RunOutcome, RunResult, RunStatus, SocketEvent } from "./client";
export { CircuitBreaker, getBreaker } from "./breaker";
export type { BreakerOptions, BreakerState } from "./breaker";
export { mapNodeErrors, toPromptRejection } from "./errors";
export type { PromptIssue, PromptRejection } from "./errors";
export { ProgressStateTracker } from "./progress-tracker";
export type { NodeProgressChange } from "./progress-tracker";
export { ComfySocket, backoffDelay } from "./socket";
export type { Logger } from "./socket";
export * from "./protocol";
export { startSimulator, DEFAULT_SIM_MODELS } from "./simulator/server";
export type { Simulator, SimulatorOptions } from "./simulator/server";
export type { NodeBehaviour, NodeContext, NodeResult } from "./simulator/nodes";
export { ComfyServers, checkComfyUrl } from "./servers";
export type { ComfyServerConfiguration, ComfyServerInfo, ComfyServersOptions } from "./servers";
