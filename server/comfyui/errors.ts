import { AppError, assertNever } from "@/server/errors";
import type { PromptNodeErrors, PromptRejected } from "./protocol";

/**
 * The ComfyUI client's errors, each worded so a person knows what to do:
 * which server, what failed, what to check.
 */

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export type ConnectionFailure =
  | { kind: "refused" | "dns" | "unreachable" | "reset"; code: string; message: string }
  | { kind: "connect_timeout"; timeoutMs: number }
  | { kind: "read_timeout"; timeoutMs: number };

/** A failure to talk to ComfyUI at all (no HTTP answer). */
export function connectionError(baseUrl: string, request: string, failure: ConnectionFailure): AppError {
  const details = { baseUrl, request, ...failure };
  switch (failure.kind) {
    case "refused":
      return new AppError("COMFYUI_UNREACHABLE", `ComfyUI at ${baseUrl} refused the connection (${request}); is it running?`, { details });
    case "dns":
      return new AppError("COMFYUI_UNREACHABLE", `ComfyUI at ${baseUrl} cannot be found: the host name does not resolve (${failure.code}); check COMFYUI_URL.`, { details });
    case "unreachable":
      return new AppError("COMFYUI_UNREACHABLE", `ComfyUI at ${baseUrl} is not reachable (${failure.code}); check the address and the network.`, { details });
    case "reset":
      return new AppError("COMFYUI_UNREACHABLE", `ComfyUI at ${baseUrl} dropped the connection during ${request} (${failure.code}); it may have restarted.`, { details });
    case "connect_timeout":
      return new AppError("COMFYUI_TIMEOUT", `ComfyUI at ${baseUrl} did not answer within ${seconds(failure.timeoutMs)}; is it running?`, { details });
    case "read_timeout":
      return new AppError("COMFYUI_TIMEOUT", `ComfyUI at ${baseUrl} accepted ${request} but did not finish answering within ${seconds(failure.timeoutMs)}; it may be busy or stuck.`, { details });
    default:
      return assertNever(failure, "connection failure");
  }
}

export function breakerOpenError(baseUrl: string, failures: number, retryInMs: number, lastError: string | null): AppError {
  return new AppError(
    "COMFYUI_UNREACHABLE",
    `ComfyUI at ${baseUrl} failed ${failures} times in a row, so Atelier is not contacting it for another ${seconds(retryInMs)}` +
      (lastError ? ` (last error: ${lastError})` : "") +
      "; check that it is running.",
    { details: { baseUrl, failures, retryInMs, lastError } },
  );
}

/** ComfyUI answered with an HTTP error we have no typed result for. */
export function httpStatusError(baseUrl: string, request: string, status: number, body: string): AppError {
  const snippet = body.trim().replace(/\s+/g, " ").slice(0, 200);
  if (status === 404) {
    return new AppError("NOT_FOUND", `ComfyUI at ${baseUrl} has nothing at ${request} (404).`, { details: { baseUrl, request, status } });
  }
  return new AppError("COMFYUI_REJECTED", `ComfyUI at ${baseUrl} answered ${status} to ${request}${snippet ? `: ${snippet}` : ""}.`, {
    details: { baseUrl, request, status, body: body.slice(0, 2000) },
  });
}

/** ComfyUI answered something that does not match its protocol. */
export function protocolError(baseUrl: string, request: string, problem: string): AppError {
  return new AppError("COMFYUI_PROTOCOL", `ComfyUI at ${baseUrl} answered ${request} with something Atelier does not understand: ${problem}. Is this a ComfyUI server of a supported version?`, {
    details: { baseUrl, request, problem },
  });
}

/** One problem ComfyUI found in a prompt, tied to a node and (when there is one) an input. */
export interface PromptIssue {
  nodeId: string;
  classType: string;
  inputName: string | null;
  /** ComfyUI's error type, e.g. `value_bigger_than_max`. */
  type: string;
  /** A sentence naming the node and input. */
  message: string;
  /** ComfyUI's own message and details. */
  comfyMessage: string;
  details: string;
  /** Output nodes that this problem keeps from running. */
  dependentOutputs: string[];
  extraInfo: Record<string, unknown>;
}

/** A prompt ComfyUI refused (400), as a typed value. */
export interface PromptRejection {
  /** Top-level error: `prompt_outputs_failed_validation`, `invalid_prompt`, `prompt_no_outputs`, `no_prompt`, … */
  error: { type: string; message: string; details: string };
  /** Per node id, then per input name (`""` for errors not tied to an input). */
  byNode: Record<string, { classType: string; dependentOutputs: string[]; inputs: Record<string, PromptIssue[]> }>;
  issues: PromptIssue[];
  /** A one-paragraph summary for a person. */
  summary: string;
}

/** Flattens ComfyUI's node_errors into issues keyed by node id and input name. */
export function mapNodeErrors(nodeErrors: PromptNodeErrors): Pick<PromptRejection, "byNode" | "issues"> {
  const byNode: PromptRejection["byNode"] = {};
  const issues: PromptIssue[] = [];
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    const node = (byNode[nodeId] = { classType: entry.class_type, dependentOutputs: entry.dependent_outputs, inputs: {} as Record<string, PromptIssue[]> });
    for (const e of entry.errors) {
      const inputName = typeof e.extra_info?.input_name === "string" ? e.extra_info.input_name : null;
      const where = `Node ${nodeId} (${entry.class_type})${inputName ? `, input "${inputName}"` : ""}`;
      const issue: PromptIssue = {
        nodeId,
        classType: entry.class_type,
        inputName,
        type: e.type,
        message: `${where}: ${e.message}${e.details && e.details !== inputName ? ` (${e.details})` : ""}`,
        comfyMessage: e.message,
        details: e.details,
        dependentOutputs: entry.dependent_outputs,
        extraInfo: (e.extra_info ?? {}) as Record<string, unknown>,
      };
      (node.inputs[inputName ?? ""] ??= []).push(issue);
      issues.push(issue);
    }
  }
  return { byNode, issues };
}

export function toPromptRejection(body: PromptRejected): PromptRejection {
  const { byNode, issues } = mapNodeErrors(body.node_errors);
  const head = `ComfyUI refused the prompt: ${body.error.message}${body.error.details ? ` (${body.error.details})` : ""}`;
  let summary = issues.length > 0 ? `${head}. ${issues.map((i) => i.message).join("; ")}.` : `${head}.`;
  if (body.error.type === "prompt_outputs_failed_validation" && issues.length === 0) {
    summary = `${head}. ComfyUI names no node; this happens when the graph contains a cycle or is too deep to check.`;
  }
  return { error: { type: body.error.type, message: body.error.message, details: body.error.details }, byNode, issues, summary };
}
