/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

/** Parses multipart/form-data; null when the content type or body is not multipart. */
export function parseMultipart(contentType: string | undefined, body: Buffer): FormPart[] | null {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!contentType?.toLowerCase().startsWith("multipart/form-data") || !match) return null;
  const delimiter = Buffer.from(`--${match[1] ?? match[2]!.trim()}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) return null;
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") break;
    const headerStart = afterDelimiter + 2;
    const headerEnd = body.indexOf("\r\n\r\n", headerStart);
    if (headerEnd < 0) return null;
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) return null;
    const headers = body.subarray(headerStart, headerEnd).toString("utf8");
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? null;
    // The part's data ends with the CRLF that precedes the next delimiter.
    if (name !== undefined) parts.push({ name, filename, contentType: type, data: body.subarray(headerEnd + 4, next - 2) });
    start = next;
  }
  return parts;
}
