/** Decodes bytes as Latin-1 (PNG tEXt/zTXt), one code unit per byte; TextDecoder("latin1") would give windows-1252 instead. */
export function decodeLatin1(bytes: Uint8Array): string {
  let out = "";
  // Chunks keep String.fromCharCode's argument list well under engine limits.
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Decodes UTF-8, replacing invalid sequences rather than throwing. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

/** Index of the first zero byte at or after `from`, or -1. */
export function indexOfZero(bytes: Uint8Array, from: number, to = bytes.length): number {
  for (let i = from; i < to; i++) if (bytes[i] === 0) return i;
  return -1;
}
