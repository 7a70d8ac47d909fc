import { unzlibSync, inflateSync } from "fflate";
import { decodeLatin1, decodeUtf8, indexOfZero } from "./bytes";
import type { FormatError } from "./types";

/**
 * PNG text metadata (tEXt, zTXt, iTXt) as ComfyUI writes it: `workflow`
 * (UI JSON) and `prompt` (API JSON). Reading never throws and always
 * advances, so a truncated or corrupt file gives an error naming the chunk
 * and byte offset.
 */

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Text entries found in a file: keyword → text. */
export type MediaTextResult = { ok: true; entries: Record<string, string> } | { ok: false; error: FormatError };

/** True when bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function inflate(data: Uint8Array): Uint8Array {
  try {
    return unzlibSync(data);
  } catch {
    // Some writers store a raw deflate stream without the zlib header.
    return inflateSync(data);
  }
}

/**
 * Reads every text chunk of a PNG.
 * @returns keyword → text, or an error naming the chunk type and byte offset.
 */
export function readPngText(bytes: Uint8Array): MediaTextResult {
  if (!isPng(bytes)) return { ok: false, error: { message: "Not a PNG file (the 8-byte signature is missing).", path: "", offset: 0 } };
  const entries: Record<string, string> = {};
  let offset = 8;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) {
      return { ok: false, error: { message: `The PNG is truncated: a chunk header at byte offset ${offset} is cut off.`, path: "", offset } };
    }
    const length = readU32(bytes, offset);
    const type = decodeLatin1(bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (!/^[A-Za-z]{4}$/.test(type)) {
      return { ok: false, error: { message: `The PNG is corrupt: the chunk at byte offset ${offset} has an invalid type ${JSON.stringify(type)}.`, path: "", offset } };
    }
    if (dataEnd + 4 > bytes.length) {
      return { ok: false, error: { message: `The PNG is truncated: chunk ${type} at byte offset ${offset} declares ${length} bytes but the file ends at ${bytes.length}.`, path: "", offset } };
    }
    const data = bytes.subarray(dataStart, dataEnd);
    if (type === "tEXt" || type === "zTXt" || type === "iTXt") {
      const decoded = decodeTextChunk(type, data);
      if (!decoded.ok) return { ok: false, error: { message: `The PNG's ${type} chunk at byte offset ${offset} is corrupt: ${decoded.message}`, path: "", offset } };
      if (!(decoded.keyword in entries)) entries[decoded.keyword] = decoded.text;
    }
    if (type === "IEND") break;
    offset = dataEnd + 4;
  }
  return { ok: true, entries };
}

function decodeTextChunk(type: string, data: Uint8Array): { ok: true; keyword: string; text: string } | { ok: false; message: string } {
  const zero = indexOfZero(data, 0);
  if (zero <= 0) return { ok: false, message: "no keyword terminator" };
  const keyword = decodeLatin1(data.subarray(0, zero));
  try {
    if (type === "tEXt") return { ok: true, keyword, text: decodeLatin1(data.subarray(zero + 1)) };
    if (type === "zTXt") {
      if (data[zero + 1] !== 0) return { ok: false, message: `unknown compression method ${data[zero + 1]}` };
      return { ok: true, keyword, text: decodeLatin1(inflate(data.subarray(zero + 2))) };
    }
    const compressed = data[zero + 1] === 1;
    const langEnd = indexOfZero(data, zero + 3);
    const translatedEnd = langEnd < 0 ? -1 : indexOfZero(data, langEnd + 1);
    if (langEnd < 0 || translatedEnd < 0) return { ok: false, message: "the language tag or translated keyword is not terminated" };
    const body = data.subarray(translatedEnd + 1);
    return { ok: true, keyword, text: decodeUtf8(compressed ? inflate(body) : body) };
  } catch (e) {
    return { ok: false, message: `the compressed text does not inflate (${e instanceof Error ? e.message : String(e)})` };
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (ISO 3309, over the chunk type and data), over one or more byte runs in order. */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** JSON text with every non-ASCII character escaped, so it fits a Latin-1 tEXt chunk exactly as Python's json.dumps writes it. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

function textChunk(keyword: string, text: string): Uint8Array {
  const body = new Uint8Array(keyword.length + 1 + text.length);
  for (let i = 0; i < keyword.length; i++) body[i] = keyword.charCodeAt(i);
  for (let i = 0; i < text.length; i++) body[keyword.length + 1 + i] = text.charCodeAt(i);
  const chunk = new Uint8Array(12 + body.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, body.length);
  chunk.set([0x74, 0x45, 0x58, 0x74], 4); // "tEXt"
  chunk.set(body, 8);
  view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
  return chunk;
}

/** What {@link embedInPng} writes: JSON values, serialised as ComfyUI does. */
export interface EmbedOptions {
  /** UI workflow JSON value, stored under `workflow`. */
  workflow?: unknown;
  /** API prompt JSON value, stored under `prompt`. */
  prompt?: unknown;
}

/**
 * Writes `workflow` and `prompt` tEXt chunks into a PNG before its first
 * IDAT (where ComfyUI puts them), replacing earlier chunks with those keywords.
 * @returns the new PNG bytes, or an error when the input is not a readable PNG.
 */
export function embedInPng(png: Uint8Array, options: EmbedOptions): { ok: true; bytes: Uint8Array } | { ok: false; error: FormatError } {
  const check = readPngText(png);
  if (!check.ok) return check;
  const replace = new Set<string>();
  const chunks: Uint8Array[] = [];
  if (options.workflow !== undefined) {
    replace.add("workflow");
    chunks.push(textChunk("workflow", asciiJson(options.workflow)));
  }
  if (options.prompt !== undefined) {
    replace.add("prompt");
    chunks.push(textChunk("prompt", asciiJson(options.prompt)));
  }
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  let inserted = false;
  let offset = 8;
  while (offset + 8 <= png.length) {
    const length = readU32(png, offset);
    const end = offset + 12 + length;
    const type = decodeLatin1(png.subarray(offset + 4, offset + 8));
    if (!inserted && (type === "IDAT" || type === "IEND")) {
      parts.push(...chunks);
      inserted = true;
    }
    let drop = false;
    if (type === "tEXt" || type === "zTXt" || type === "iTXt") {
      const zero = indexOfZero(png, offset + 8, end - 4);
      drop = zero > 0 && replace.has(decodeLatin1(png.subarray(offset + 8, zero)));
    }
    if (!drop) parts.push(png.subarray(offset, end));
    offset = end;
    if (type === "IEND") break;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { ok: true, bytes };
}
