import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { canonicalJson } from "@/lib/graph/hash";
import type { WorkflowDocument } from "@/lib/graph/model";

/**
 * SHA-256 (hex) of the whole document (graph, layout, metadata, subgraphs) in
 * canonical JSON: the content address of a stored snapshot. Two documents
 * with the same semantic hash (`hashDocument`) but different layout get
 * different full hashes, which is how a layout-only save is still recorded.
 * Pure JS SHA-256, so the browser and the server compute the same value.
 */
export function hashFullDocument(doc: WorkflowDocument): string {
  return bytesToHex(sha256(new TextEncoder().encode(canonicalJson(doc))));
}
