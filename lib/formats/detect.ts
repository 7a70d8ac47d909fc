import type { NodeCatalogue } from "@/lib/graph/catalogue";
import { DOCUMENT_FORMAT, zWorkflowDocument } from "@/lib/graph/model";
import { importApiPrompt, looksLikeApiPrompt, unwrapApiPrompt } from "./api";
import { decodeUtf8 } from "./bytes";
import { MAX_JSON_BYTES, parseJsonText } from "./json";
import { isPng, readPngText, type MediaTextResult } from "./png";
import { assertNever, isRecord, type FormatError, type ImportResult } from "./types";
import { importUiWorkflow, looksLikeUiWorkflow, MAX_UI_NODES } from "./ui";
import { isWebp, readWebpText } from "./webp";

/** The kinds of input {@link importWorkflow} understands. */
export type WorkflowFormat = "atelier" | "comfyui-ui" | "comfyui-api" | "png" | "webp";

/** Which format a parsed JSON value is in, or undefined when it is none we know. */
export function detectJsonFormat(value: unknown): Exclude<WorkflowFormat, "png" | "webp"> | undefined {
  if (isRecord(value) && value.format === DOCUMENT_FORMAT) return "atelier";
  if (looksLikeUiWorkflow(value)) return "comfyui-ui";
  if (looksLikeApiPrompt(unwrapApiPrompt(value).value)) return "comfyui-api";
  return undefined;
}

/**
 * Detects the format of file contents: PNG and WebP by their magic bytes,
 * JSON formats by shape. Returns undefined for anything else (including
 * JSON that does not parse).
 */
export function detectFormat(input: string | Uint8Array): WorkflowFormat | undefined {
  if (typeof input !== "string") {
    if (isPng(input)) return "png";
    if (isWebp(input)) return "webp";
    if (input.length > MAX_JSON_BYTES) return undefined;
    input = decodeUtf8(input);
  }
  const parsed = parseJsonText(input);
  return parsed.ok ? detectJsonFormat(parsed.value) : undefined;
}

/** Options of {@link importWorkflow}. */
export interface ImportWorkflowOptions {
  /** Used to name widget values of UI workflows; without it UI nodes stay opaque. */
  catalogue?: NodeCatalogue;
  /** Shown in errors and used as the document name (extension dropped). */
  fileName?: string;
}

/** An import result that also says which format the input was in. */
export type ImportWorkflowResult = ImportResult & { format?: WorkflowFormat };

function nameFrom(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.(json|png|webp)$/i, "") || base;
}

function fail(error: FormatError, format?: WorkflowFormat): ImportWorkflowResult {
  return format ? { ok: false, error, format } : { ok: false, error };
}

/** The UI workflow a `POST /prompt` body carries in `extra_data.extra_pnginfo.workflow` (ComfyUI's frontend sends it), if any. */
function embeddedUiWorkflow(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.prompt) || !isRecord(value.extra_data)) return undefined;
  const info = value.extra_data.extra_pnginfo;
  return isRecord(info) && looksLikeUiWorkflow(info.workflow) ? info.workflow : undefined;
}

function importJsonValue(value: unknown, options: ImportWorkflowOptions, where: string): ImportWorkflowResult {
  const name = nameFrom(options.fileName);
  // A queued prompt body that carries its UI workflow: the workflow keeps layout and frontend-only nodes.
  const ui = embeddedUiWorkflow(value);
  if (ui !== undefined) {
    const result = importUiWorkflow(ui, { catalogue: options.catalogue, name });
    if (result.ok) result.document.metadata.extra = { ...result.document.metadata.extra, embeddedPrompt: JSON.stringify((value as { prompt: unknown }).prompt) };
    return { ...result, format: "comfyui-ui" };
  }
  const format = detectJsonFormat(value);
  switch (format) {
    case "atelier": {
      const parsed = zWorkflowDocument.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue ? issue.path.map((p) => "/" + String(p)).join("") : "";
        return fail({ message: `${where}is an Atelier document but ${path || "its top level"} is invalid: ${issue?.message ?? "unknown error"}.`, path }, format);
      }
      return { ok: true, document: parsed.data, warnings: [], format };
    }
    case "comfyui-ui":
      return { ...importUiWorkflow(value, { catalogue: options.catalogue, name }), format };
    case "comfyui-api": {
      const nodes = unwrapApiPrompt(value).value;
      if (isRecord(nodes) && Object.keys(nodes).length > MAX_UI_NODES) {
        return fail({ message: `${where}has more than ${MAX_UI_NODES} nodes; refusing to import it.`, path: "" }, format);
      }
      return { ...importApiPrompt(value, { name }), format };
    }
    case undefined:
      return fail({
        message: `${where}is JSON but not a workflow: expected a ComfyUI UI workflow (an object with "nodes" and "links"), an API prompt (node id → {class_type, inputs}) or an Atelier document.`,
        path: "",
      });
    default:
      return assertNever(format, "format");
  }
}

function importMedia(text: MediaTextResult, kind: "png" | "webp", options: ImportWorkflowOptions): ImportWorkflowResult {
  const label = kind === "png" ? "PNG" : "WebP";
  if (!text.ok) return fail(text.error, kind);
  const keys = Object.keys(text.entries);
  // The UI workflow keeps layout, groups and frontend-only nodes; the prompt is the fallback.
  for (const key of ["workflow", "prompt"] as const) {
    const raw = text.entries[key];
    if (raw === undefined) continue;
    const parsed = parseJsonText(raw);
    if (!parsed.ok) {
      return fail({ ...parsed.error, message: `The ${label}'s "${key}" metadata is not valid JSON: ${parsed.error.message}` }, kind);
    }
    const result = importJsonValue(parsed.value, options, `The ${label}'s "${key}" metadata `);
    // The prompt ComfyUI actually ran is kept beside the workflow: it records seeds as they were at queue time.
    const prompt = key === "workflow" ? text.entries.prompt : undefined;
    if (result.ok && prompt !== undefined) result.document.metadata.extra = { ...result.document.metadata.extra, embeddedPrompt: prompt };
    return { ...result, format: kind };
  }
  return fail(
    { message: `The ${label} carries no ComfyUI workflow (no "workflow" or "prompt" metadata${keys.length ? `; it has ${keys.map((k) => JSON.stringify(k)).join(", ")}` : ""}).`, path: "" },
    kind,
  );
}

/**
 * Imports any supported input: an Atelier document, a ComfyUI UI workflow
 * or API prompt (JSON text or bytes), or a PNG/WebP with ComfyUI metadata.
 * @returns the document, its warnings and the detected format, or an error a person can act on.
 */
export function importWorkflow(input: string | Uint8Array, options: ImportWorkflowOptions = {}): ImportWorkflowResult {
  if (typeof input !== "string") {
    if (isPng(input)) return importMedia(readPngText(input), "png", options);
    if (isWebp(input)) return importMedia(readWebpText(input), "webp", options);
    if (input.length > MAX_JSON_BYTES) {
      return fail({ message: `The file is ${(input.length / 1024 / 1024).toFixed(1)} MB, more than the ${MAX_JSON_BYTES / 1024 / 1024} MB a workflow may have.`, path: "" });
    }
    input = decodeUtf8(input);
  }
  const parsed = parseJsonText(input);
  if (!parsed.ok) {
    const trimmed = input.trimStart();
    const hint = trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\uFEFF") ? "" : " (it is not JSON, a PNG or a WebP)";
    return fail({ ...parsed.error, message: `${parsed.error.message}${hint}` });
  }
  return importJsonValue(parsed.value, options, "The file ");
}
