import { EventEmitter } from "node:events";
import WebSocket from "ws";
import { parseBinaryFrame, parseWsText, type BinaryFrame, type WsKnownMessage } from "./protocol";

/**
 * The `/ws?clientId=…` connection to one ComfyUI server. Reconnects with
 * exponential backoff after any drop until closed; announces our feature
 * flags on every connect (so previews arrive with their node id); parses
 * every frame with protocol.ts and drops unknown ones with a debug log.
 */

export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug: () => undefined, warn: () => undefined };

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: each delay varies by ± this share, so many clients do not reconnect in step. */
  jitter: number;
}

export interface ComfySocketOptions {
  baseUrl: string;
  clientId: string;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  logger?: Logger;
  random?: () => number;
}

export type SocketState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface ComfySocketEvents {
  message: [WsKnownMessage];
  binary: [Exclude<BinaryFrame, { type: "unknown_binary" }>];
  /** `reconnected` is true for every open after the first: events may have been missed meanwhile. */
  open: [{ reconnected: boolean }];
  /** The connection dropped; a reconnect is scheduled in `retryInMs`. */
  down: [{ retryInMs: number; reason: string }];
}

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(options: BackoffOptions, attempt: number, random: () => number): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(base * (1 - options.jitter + 2 * options.jitter * random()));
}

export class ComfySocket extends EventEmitter<ComfySocketEvents> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private _state: SocketState = "idle";
  private readonly logger: Logger;
  private readonly random: () => number;

  constructor(private options: ComfySocketOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  get state(): SocketState {
    return this._state;
  }

  /** The handshake deadline for the next (re)connection. */
  setConnectTimeoutMs(ms: number): void {
    this.options = { ...this.options, connectTimeoutMs: ms };
  }

  get url(): string {
    const u = new URL(this.options.baseUrl);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    u.pathname = `${u.pathname.replace(/\/$/, "")}/ws`;
    u.search = new URLSearchParams({ clientId: this.options.clientId }).toString();
    return u.toString();
  }

  /**
   * Resolves once the socket is open. The first call opens it; while it is
   * reconnecting, a call skips the remaining backoff and tries at once. Rejects
   * if that attempt fails (the socket keeps reconnecting in the background
   * unless closed).
   */
  connect(): Promise<void> {
    if (this._state === "open") return Promise.resolve();
    if (this._state === "closed") return Promise.reject(new Error("socket closed"));
    return new Promise((resolve, reject) => {
      const onOpen = () => {
        this.off("down", onDown);
        resolve();
      };
      const onDown = ({ reason }: { reason: string }) => {
        this.off("open", onOpen);
        reject(new Error(reason));
      };
      this.once("open", onOpen);
      this.once("down", onDown);
      if (this._state === "idle") this.open();
      else if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.open();
      }
    });
  }

  /** Whether the socket was open at least once (runs may be following it). */
  get hasOpened(): boolean {
    return this.everOpened;
  }

  private open(): void {
    this._state = this.everOpened ? "reconnecting" : "connecting";
    // No Origin header: ComfyUI refuses a foreign one with 403.
    const ws = new WebSocket(this.url, { handshakeTimeout: this.options.connectTimeoutMs });
    this.ws = ws;
    ws.on("open", () => {
      if (this.ws !== ws) return;
      this._state = "open";
      this.attempt = 0;
      ws.send(JSON.stringify({ type: "feature_flags", data: { supports_preview_metadata: true } }));
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.emit("open", { reconnected });
    });
    ws.on("message", (data, isBinary) => {
      if (this.ws !== ws) return;
      if (isBinary) {
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
        const frame = parseBinaryFrame(buf);
        if (frame.type === "unknown_binary") this.logger.debug("ignoring an unknown binary frame from ComfyUI", { eventType: frame.eventType, reason: frame.reason });
        else this.emit("binary", frame);
        return;
      }
      const message = parseWsText(data.toString());
      if (message.type === "unknown") {
        this.logger.debug("ignoring a websocket message ComfyUI sent that Atelier does not know", { type: message.rawType, reason: message.reason });
        return;
      }
      this.emit("message", message);
    });
    ws.on("error", (error) => this.logger.debug("ComfyUI websocket error", { url: this.url, error: error.message }));
    ws.on("close", (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this._state === "closed") return;
      const retryInMs = backoffDelay(this.options.backoff, this.attempt++, this.random);
      this._state = "reconnecting";
      this.emit("down", { retryInMs, reason: `ComfyUI websocket at ${this.url} closed (${code}${reason.length ? ` ${reason.toString()}` : ""})` });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this._state !== "closed") this.open();
      }, retryInMs);
    });
  }

  close(): void {
    this._state = "closed";
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners("message");
      ws.on("error", () => undefined);
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close();
    }
  }
}
