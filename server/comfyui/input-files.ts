import type { IncomingMessage, ServerResponse } from "node:http";
import type { ComfyClient } from "./client";
import type { ComfyServers } from "./servers";
import { isAppError } from "@/server/errors";

export const INPUT_FILES_PATH = "/files/comfyui/input";
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const IMAGE_NAME = /^[^/\\\0]{1,200}\.(png|jpe?g|webp|gif|bmp)$/i;

/** A file name the browser may name: a plain image file name in ComfyUI's input folder, never a path. */
export function isSafeInputName(name: string): boolean {
  return IMAGE_NAME.test(name) && !name.startsWith(".") && !name.includes("..");
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Images for LoadImage-style widgets, through Atelier so the browser never
 * talks to ComfyUI: `POST /files/comfyui/input?name=x.png` uploads the body to
 * ComfyUI's input folder, `GET /files/comfyui/input?name=x.png` shows one.
 * Only plain image file names pass; no path reaches ComfyUI from the client. `&server=<url>` picks one of the
 * configured ComfyUI servers (the one the editor runs on); without it, the default one.
 * @returns true when the request was this route's.
 */
export function serveInputFile(req: IncomingMessage, res: ServerResponse, url: URL, servers: ComfyServers): boolean {
  if (url.pathname !== INPUT_FILES_PATH) return false;
  const name = url.searchParams.get("name") ?? "";
  if (!isSafeInputName(name)) {
    sendJson(res, 400, { error: `"${name.slice(0, 80)}" is not an image file name (png, jpg, webp, gif or bmp, no folders).` });
    return true;
  }
  const fail = (e: unknown) => {
    if (res.headersSent) return res.end();
    const status = isAppError(e) ? (e.code === "NOT_FOUND" ? 404 : e.code === "COMFYUI_UNREACHABLE" || e.code === "COMFYUI_TIMEOUT" ? 502 : 400) : 500;
    sendJson(res, status, { error: e instanceof Error ? e.message : String(e) });
  };
  let comfy: ComfyClient;
  try {
    comfy = servers.resolve(url.searchParams.get("server") || undefined);
  } catch (e) {
    fail(e);
    return true;
  }
  if (req.method === "GET") {
    comfy
      .view({ filename: name, subfolder: "", type: "input" }, { media: "image" })
      .then(({ contentType, data }) => {
        res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache", "x-content-type-options": "nosniff" });
        res.end(data);
      })
      .catch(fail);
    return true;
  }
  if (req.method === "POST") {
    readBody(req, MAX_UPLOAD_BYTES)
      .then(async (body) => {
        if (body === null) return sendJson(res, 413, { error: `The image is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` });
        if (body.length === 0) return sendJson(res, 400, { error: "The upload is empty." });
        const uploaded = await comfy.uploadImage(body, name, { type: "input" });
        sendJson(res, 200, uploaded);
      })
      .catch(fail);
    return true;
  }
  res.writeHead(405, { allow: "GET, POST" });
  res.end();
  return true;
}
