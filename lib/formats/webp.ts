import { decodeLatin1, decodeUtf8 } from "./bytes";
import type { MediaTextResult } from "./png";

/**
 * WebP metadata as ComfyUI writes it: an EXIF chunk whose IFD0 holds ASCII
 * tags `key:value`, by convention Make (0x010F) = "workflow:<json>" and
 * Model (0x0110) = "prompt:<json>". The TIFF header may follow an
 * `Exif\0\0` prefix (older ComfyUI) or start the chunk; both byte orders.
 */

/** True when bytes start a RIFF/WEBP container. */
export function isWebp(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && decodeLatin1(bytes.subarray(0, 4)) === "RIFF" && decodeLatin1(bytes.subarray(8, 12)) === "WEBP";
}

/** Most IFD entries we read; a real IFD0 has a handful, a corrupt count must not make us loop over gigabytes. */
const MAX_IFD_ENTRIES = 1000;

/**
 * Reads ComfyUI's `key:value` ASCII tags from a WebP's EXIF chunk.
 * @returns key → text (empty when the file has no EXIF), or an error naming the chunk and byte offset.
 */
export function readWebpText(bytes: Uint8Array): MediaTextResult {
  if (!isWebp(bytes)) return { ok: false, error: { message: "Not a WebP file (no RIFF/WEBP header).", path: "", offset: 0 } };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const type = decodeLatin1(bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    if (start + size > bytes.length) {
      return { ok: false, error: { message: `The WebP is truncated: chunk ${JSON.stringify(type)} at byte offset ${offset} declares ${size} bytes but the file ends at ${bytes.length}.`, path: "", offset } };
    }
    if (type === "EXIF") return readExif(bytes.subarray(start, start + size), start);
    offset = start + size + (size % 2);
  }
  return { ok: true, entries: {} };
}

function readExif(exif: Uint8Array, base: number): MediaTextResult {
  let tiff = exif;
  let tiffBase = base;
  if (decodeLatin1(exif.subarray(0, 6)) === "Exif\0\0") {
    tiff = exif.subarray(6);
    tiffBase += 6;
  }
  const fail = (message: string, at: number): MediaTextResult => ({
    ok: false,
    error: { message: `The WebP's EXIF chunk is corrupt at byte offset ${tiffBase + at}: ${message}.`, path: "", offset: tiffBase + at },
  });
  if (tiff.length < 8) return fail("the TIFF header is cut off", 0);
  const order = decodeLatin1(tiff.subarray(0, 2));
  if (order !== "II" && order !== "MM") return fail(`unknown byte order ${JSON.stringify(order)}`, 0);
  const little = order === "II";
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (view.getUint16(2, little) !== 42) return fail("the TIFF magic number is not 42", 2);
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return fail(`IFD0 offset ${ifd} is past the end of the chunk`, 4);
  const count = view.getUint16(ifd, little);
  if (count > MAX_IFD_ENTRIES || ifd + 2 + count * 12 > tiff.length) return fail(`IFD0 claims ${count} entries, more than the chunk holds`, ifd);
  const entries: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    const type = view.getUint16(at + 2, little);
    const n = view.getUint32(at + 4, little);
    if (type !== 2) continue; // only ASCII tags carry ComfyUI's key:value strings
    const valueAt = n <= 4 ? at + 8 : view.getUint32(at + 8, little);
    if (valueAt + n > tiff.length) return fail(`tag ${i} points at ${n} bytes at offset ${valueAt}, past the end of the chunk`, at);
    let text = decodeUtf8(tiff.subarray(valueAt, valueAt + n));
    while (text.endsWith("\0")) text = text.slice(0, -1);
    const colon = text.indexOf(":");
    if (colon > 0) {
      const key = text.slice(0, colon);
      if (!(key in entries)) entries[key] = text.slice(colon + 1);
    }
  }
  return { ok: true, entries };
}
