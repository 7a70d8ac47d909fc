import { request as httpRequest, type Agent as HttpAgent, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ConnectionFailure } from "./errors";

/**
 * One HTTP exchange with separate connect and read deadlines, which fetch()
 * cannot give: a dead host must fail in 10 s, a slow /view download may take
 * minutes. Never sends an Origin header (ComfyUI answers 403 to a foreign one).
 */

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method: "GET" | "POST";
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | string;
  connectTimeoutMs: number;
  /** From the moment the connection is up to the last byte of the answer. */
  readTimeoutMs: number;
  agent?: HttpAgent;
  signal?: AbortSignal;
}

/** A request that got no HTTP answer, and whether it may have reached the server. */
export class ConnectionError extends Error {
  constructor(
    readonly failure: ConnectionFailure,
    /** False when the request certainly never reached ComfyUI (safe to retry even a POST). */
    readonly maybeDelivered: boolean,
  ) {
    super(failure.kind);
  }
}

const refusedCodes = new Set(["ECONNREFUSED"]);
const dnsCodes = new Set(["ENOTFOUND", "EAI_AGAIN"]);
const unreachableCodes = new Set(["EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ENETDOWN"]);

function classify(error: NodeJS.ErrnoException, connected: boolean): ConnectionFailure {
  const code = error.code ?? "UNKNOWN";
  if (refusedCodes.has(code)) return { kind: "refused", code, message: error.message };
  if (dnsCodes.has(code)) return { kind: "dns", code, message: error.message };
  if (unreachableCodes.has(code)) return { kind: "unreachable", code, message: error.message };
  return { kind: connected ? "reset" : "unreachable", code, message: error.message };
}

export function sendRequest(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const https = req.url.protocol === "https:";
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, "utf8");
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (body) headers["Content-Length"] = String(body.length);
    let connected = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const request = (https ? httpsRequest : httpRequest)(req.url, {
      method: req.method,
      headers,
      agent: req.agent ?? (https ? new HttpsAgent({ keepAlive: false }) : undefined),
    });
    const fail = (error: ConnectionError) => {
      finish(() => reject(error));
      request.destroy();
    };
    const onAbort = () => fail(new ConnectionError({ kind: "reset", code: "ABORTED", message: "aborted by the caller" }, connected));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    const startRead = () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => fail(new ConnectionError({ kind: "read_timeout", timeoutMs: req.readTimeoutMs }, true)), req.readTimeoutMs);
    };
    timer = setTimeout(() => fail(new ConnectionError({ kind: "connect_timeout", timeoutMs: req.connectTimeoutMs }, false)), req.connectTimeoutMs);
    request.on("socket", (socket) => {
      if (socket.connecting) socket.once(https ? "secureConnect" : "connect", startRead);
      else startRead();
    });
    request.on("error", (error: NodeJS.ErrnoException) => finish(() => reject(new ConnectionError(classify(error, connected), connected))));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => finish(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) })));
      response.on("error", (error: NodeJS.ErrnoException) => finish(() => reject(new ConnectionError(classify(error, true), true))));
    });
    if (req.signal?.aborted) onAbort();
    request.end(body);
  });
}
