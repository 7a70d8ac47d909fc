import { compileToPrompt } from "@/lib/compile";
import { convertDocument, embedInPng, exportUiWorkflow } from "@/lib/formats";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import { renderWorkflowPng } from "./png-image";

/** What a workflow can be downloaded as. */
export type ExportFormat = "ui" | "api" | "atelier" | "png";

/** A file ready to download. */
export interface ExportedFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** A file name from a workflow name: letters, digits, dots, dashes and underscores, never empty. */
export function toFileBaseName(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 80);
  return base || "workflow";
}

const SUFFIX: Record<ExportFormat, string> = { ui: ".json", api: ".api.json", atelier: ".atelier.json", png: ".png" };

/**
 * Builds the file for a download: ComfyUI UI JSON (opens in ComfyUI as is),
 * API JSON (what POST /prompt takes), our document, or a PNG picture of the
 * graph with the UI workflow and the prompt embedded as ComfyUI's own output
 * images carry them (so dropping it on ComfyUI or on Atelier opens it).
 */
export function buildExport(doc: WorkflowDocument, catalogue: NodeCatalogue, format: ExportFormat, name = doc.metadata.name): ExportedFile {
  const fileName = toFileBaseName(name) + SUFFIX[format];
  const encode = (text: string) => new TextEncoder().encode(text + "\n");
  switch (format) {
    case "ui":
    case "api":
    case "atelier":
      return { fileName, mimeType: "application/json", bytes: encode(convertDocument(doc, catalogue, format).text) };
    case "png": {
      const embedded = embedInPng(renderWorkflowPng(doc), { workflow: exportUiWorkflow(doc, catalogue), prompt: compileToPrompt(doc, catalogue).prompt });
      // Our own encoder wrote the PNG, so a failure here is a bug, not something the person did.
      if (!embedded.ok) throw new Error(`Could not embed the workflow in the PNG: ${embedded.error.message}`);
      return { fileName, mimeType: "image/png", bytes: embedded.bytes };
    }
    default:
      return assertNever(format);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected export format: ${String(value)}`);
}

/** Starts a browser download of a file. */
export function downloadFile(file: ExportedFile): void {
  const blob = new Blob([file.bytes as BlobPart], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const a = window.document.createElement("a");
  a.href = url;
  a.download = file.fileName;
  a.rel = "noopener";
  a.style.display = "none";
  window.document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked a moment later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads the workflow in a format, named after the workflow
 * (`Name.json`, `Name.api.json`, `Name.atelier.json`, `Name.png`).
 * Async so callers can treat it like any other action that may fail.
 */
export async function exportDocument(doc: WorkflowDocument, catalogue: NodeCatalogue, format: ExportFormat, name?: string): Promise<ExportedFile> {
  const file = buildExport(doc, catalogue, format, name);
  downloadFile(file);
  return file;
}
