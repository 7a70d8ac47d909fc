import { createHash, randomUUID } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import type { z } from "zod";
import { zNodeDefinition, type NodeCatalogue } from "@/lib/graph/catalogue";
import { AppError, assertNever, isAppError } from "@/server/errors";
import { getBreaker, type BreakerPermit, type CircuitBreaker } from "./breaker";
import { breakerOpenError, connectionError, httpStatusError, mapNodeErrors, protocolError, toPromptRejection, type PromptIssue, type PromptRejection } from "./errors";
import { ConnectionError, sendRequest, type RawResponse } from "./http";
import { ProgressStateTracker, type NodeProgressChange } from "./progress-tracker";
import {
  zHistory,
  zPromptAccepted,
  zPromptInfo,
  zPromptRejected,
  zQueue,
  zSystemStats,
  zUploadResult,
  type ApiPrompt,
  type BinaryFrame,
  type ExecutionErrorData,
  type ExecutionInterruptedData,
  type FileRef,
  type HistoryEntry,
  type NodeOutput,
  type PromptNodeErrors,
  type Queue,
  type SystemStats,
  type UploadResult,
  type WsKnownMessage,
} from "./protocol";
import { ComfySocket, silentLogger, type BackoffOptions, type Logger } from "./socket";

/**
 * Atelier's client for one ComfyUI server: typed HTTP calls with deadlines,
 * retries on connection errors only, a per-server circuit breaker, the
 * websocket with reconnects, and `runPrompt`, which follows one prompt to its
 * end and reconciles through /history when the connection was lost.
 */

export interface ComfyTimeouts {
  connectMs: number;
  readMs: number;
  /** POST /prompt (validation happens inside it). */
  queueMs: number;
  imageDownloadMs: number;
  videoDownloadMs: number;
  /** One whole runPrompt, from POST to the end of execution. */
  generationMs: number;
}

export const DEFAULT_TIMEOUTS: ComfyTimeouts = {
  connectMs: 10_000,
  readMs: 30_000,
  queueMs: 10_000,
  imageDownloadMs: 60_000,
  videoDownloadMs: 300_000,
  generationMs: 600_000,
};

export interface ComfyClientOptions {
  /** e.g. http://127.0.0.1:8188 (a path prefix is kept: http://host/comfy). */
  baseUrl: string;
  /**
   * Our websocket client id; default a random UUID. ComfyUI sends a prompt's progress only to the client id that
   * queued it: give the same id after a restart (the app keeps one per server in SQLite) to hear runs left in flight.
   */
  clientId?: string;
  timeouts?: Partial<ComfyTimeouts>;
  retry?: Partial<{ attempts: number } & Omit<BackoffOptions, "jitter">>;
  breaker?: Partial<{ failureThreshold: number; coolDownMs: number }> | CircuitBreaker;
  reconnect?: Partial<BackoffOptions>;
  /** While a run waits, check /history this often even if the websocket looks alive (a stalled socket must not hang a run). */
  reconcileIntervalMs?: number;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
}

export type QueuePromptResult =
  | { ok: true; promptId: string; number: number; /** Outputs ComfyUI dropped as invalid while queuing the rest (HTTP 200 with node_errors). */ nodeErrors: PromptNodeErrors; issues: PromptIssue[] }
  | ({ ok: false } & PromptRejection);

export interface NodeCatalogueSnapshot {
  catalogue: NodeCatalogue;
  /** SHA-256 of the /object_info body: equal fingerprints, equal catalogues. */
  fingerprint: string;
  fetchedAt: number;
  /** Definitions that did not match the schema (custom nodes doing odd things), left out of `catalogue`. */
  skipped: { classType: string; problem: string }[];
}

export type RunEvent =
  | { type: "queued"; promptId: string; number: number; issues: PromptIssue[] }
  | { type: "started"; promptId: string }
  | { type: "cached"; promptId: string; nodes: string[] }
  | { type: "node"; change: NodeProgressChange }
  | { type: "executing"; promptId: string; nodeId: string }
  | { type: "progress"; promptId: string; nodeId: string; value: number; max: number }
  | { type: "executed"; promptId: string; nodeId: string; output: NodeOutput | null }
  | { type: "preview"; promptId: string | null; nodeId: string | null; mime: string; image: Uint8Array }
  | { type: "text"; promptId: string | null; nodeId: string; text: string }
  | { type: "connection"; state: "lost" | "restored"; detail: string };

export type RunStatus = "success" | "error" | "interrupted" | "lost";

export interface RunOutcome {
  status: RunStatus;
  promptId: string;
  number: number;
  /** Node outputs (`{images:[…]}`, `{text:[…]}`), from /history when it has them. */
  outputs: Record<string, NodeOutput>;
  cachedNodes: string[];
  /** Present when status is "error". */
  error: ExecutionErrorData | null;
  /** Present when status is "interrupted". */
  interrupted: ExecutionInterruptedData | null;
  /** Outputs ComfyUI dropped while queuing (200 with node_errors). */
  issues: PromptIssue[];
  history: HistoryEntry | null;
  /** True when the end was learnt from /history after a lost connection rather than from the websocket. */
  reconciled: boolean;
  /** For "lost": what we know. */
  detail: string | null;
}

export type RunResult = RunOutcome | ({ status: "rejected" } & PromptRejection);

interface RequestOptions {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  readTimeoutMs?: number;
  /** 4xx/5xx statuses the caller handles itself. */
  accept?: number[];
  /** Goes out even while the breaker is open (once, no retries): the caller paces its own attempts. */
  probe?: boolean;
}

const catalogueCache = new Map<string, NodeCatalogueSnapshot>();
/** /object_info requests in flight, per server: callers asking meanwhile share the answer. */
const catalogueFetches = new Map<string, Promise<NodeCatalogueSnapshot>>();
/** How old a cached catalogue may be before a use of it also refetches it (behind the answer). */
export const CATALOGUE_REVALIDATE_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ComfyClient {
  readonly baseUrl: string;
  readonly clientId: string;
  private current: ComfyTimeouts;
  private readonly breaker: CircuitBreaker;
  private readonly retry: { attempts: number; initialMs: number; maxMs: number; factor: number };
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  // Keep-alive off: a socket kept from before a ComfyUI restart would turn the next POST into an unretryable reset.
  private readonly agent = new HttpAgent({ keepAlive: false });
  private socket: ComfySocket | null = null;
  private readonly runListeners = new Set<(event: SocketEvent) => void>();
  private currentPromptId: string | null = null;

  constructor(private options: ComfyClientOptions) {
    this.baseUrl = normalizeComfyUrl(options.baseUrl);
    this.clientId = options.clientId ?? randomUUID();
    this.current = { ...DEFAULT_TIMEOUTS, ...(options.timeouts ?? {}) };
    this.retry = { attempts: 3, initialMs: 250, maxMs: 2_000, factor: 2, ...(options.retry ?? {}) };
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const breaker = options.breaker;
    this.breaker =
      breaker && "permit" in breaker
        ? breaker
        : getBreaker(this.baseUrl, { failureThreshold: breaker?.failureThreshold ?? 5, coolDownMs: breaker?.coolDownMs ?? 30_000, now: this.now });
  }

  /** The deadlines in effect; each request reads them when it starts. */
  get timeouts(): ComfyTimeouts {
    return this.current;
  }

  /**
   * Replaces the deadlines (the settings page changed them): requests and websocket connections started from now on
   * use the new values; a request or a run already under way keeps the deadline it started with.
   */
  setTimeouts(timeouts: Partial<ComfyTimeouts>): void {
    this.current = { ...DEFAULT_TIMEOUTS, ...timeouts };
    this.socket?.setConnectTimeoutMs(this.current.connectMs);
  }

  // ---------------------------------------------------------------- HTTP

  private async request(options: RequestOptions): Promise<RawResponse> {
    const url = new URL(this.baseUrl + options.path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const label = `${options.method} ${options.path}`;
    const headers: Record<string, string> = {};
    let body = options.body;
    if (options.json !== undefined) {
      body = Buffer.from(JSON.stringify(options.json), "utf8");
      headers["Content-Type"] = "application/json";
    } else if (options.contentType) headers["Content-Type"] = options.contentType;

    for (let attempt = 1; ; attempt++) {
      const permit: BreakerPermit = options.probe ? { allowed: true, probe: true } : this.breaker.permit();
      if (!permit.allowed) throw breakerOpenError(this.baseUrl, permit.failures, permit.retryInMs, permit.lastError);
      try {
        const response = await sendRequest({
          method: options.method,
          url,
          headers,
          body,
          connectTimeoutMs: this.timeouts.connectMs,
          readTimeoutMs: options.readTimeoutMs ?? this.timeouts.readMs,
          agent: this.agent,
        });
        this.breaker.recordSuccess();
        if (response.status >= 400 && !(options.accept ?? []).includes(response.status)) {
          throw httpStatusError(this.baseUrl, label, response.status, response.body.toString("utf8"));
        }
        return response;
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error;
        const appError = connectionError(this.baseUrl, label, error.failure);
        // Only what never reached ComfyUI is retried: a POST /prompt that may have arrived must not be queued twice.
        const retryable = error.failure.kind !== "read_timeout" && (options.method === "GET" || !error.maybeDelivered);
        if (!retryable || attempt >= this.retry.attempts || permit.probe) {
          this.breaker.recordFailure(appError.message);
          throw appError;
        }
        const delay = Math.min(this.retry.maxMs, this.retry.initialMs * this.retry.factor ** (attempt - 1));
        this.logger.debug("retrying a request to ComfyUI", { request: label, attempt, delayMs: delay, error: appError.message });
        await sleep(delay);
      }
    }
  }

  private parseJson<S extends z.ZodType>(response: RawResponse, schema: S, label: string): z.infer<S> {
    let raw: unknown;
    try {
      raw = JSON.parse(response.body.toString("utf8"));
    } catch {
      throw protocolError(this.baseUrl, label, `the body is not JSON (${response.body.subarray(0, 80).toString("utf8")}…)`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw protocolError(this.baseUrl, label, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "unexpected shape"}`);
    }
    return parsed.data;
  }

  private async getJson<S extends z.ZodType>(path: string, schema: S, options: Partial<RequestOptions> = {}): Promise<z.infer<S>> {
    return this.parseJson(await this.request({ method: "GET", path, ...options }), schema, `GET ${path}`);
  }

  /** POST /prompt. A 400 comes back as a typed rejection with every problem per node and input. */
  async queuePrompt(prompt: ApiPrompt, options: { extraData?: Record<string, unknown>; front?: boolean; partialExecutionTargets?: string[] } = {}): Promise<QueuePromptResult> {
    const body: Record<string, unknown> = { prompt, client_id: this.clientId };
    if (options.extraData) body.extra_data = options.extraData;
    if (options.front) body.front = true;
    if (options.partialExecutionTargets) body.partial_execution_targets = options.partialExecutionTargets;
    const response = await this.request({ method: "POST", path: "/prompt", json: body, readTimeoutMs: this.timeouts.queueMs, accept: [400] });
    if (response.status === 400) {
      const rejected = this.parseJson(response, zPromptRejected, "POST /prompt");
      return { ok: false, ...toPromptRejection(rejected) };
    }
    const accepted = this.parseJson(response, zPromptAccepted, "POST /prompt");
    return { ok: true, promptId: accepted.prompt_id, number: accepted.number, nodeErrors: accepted.node_errors, issues: mapNodeErrors(accepted.node_errors).issues };
  }

  getQueue(): Promise<Queue> {
    return this.getJson("/queue", zQueue);
  }

  /** `queue_remaining`: the running prompt plus the pending ones. */
  async getQueueRemaining(): Promise<number> {
    return (await this.getJson("/prompt", zPromptInfo)).exec_info.queue_remaining;
  }

  async deleteFromQueue(promptIds: string[]): Promise<void> {
    await this.request({ method: "POST", path: "/queue", json: { delete: promptIds } });
  }

  async clearQueue(): Promise<void> {
    await this.request({ method: "POST", path: "/queue", json: { clear: true } });
  }

  /** Interrupts the running prompt; with a prompt id, only if that prompt is the one running. It stops when its next node starts. */
  async interrupt(promptId?: string): Promise<void> {
    await this.request({ method: "POST", path: "/interrupt", json: promptId ? { prompt_id: promptId } : {} });
  }

  /** One history entry, or null when ComfyUI does not know the prompt (still queued, or forgotten by a restart). */
  async getHistoryEntry(promptId: string): Promise<HistoryEntry | null> {
    const history = await this.getJson(`/history/${encodeURIComponent(promptId)}`, zHistory);
    return history[promptId] ?? null;
  }

  getHistory(options: { maxItems?: number } = {}): Promise<Record<string, HistoryEntry>> {
    return this.getJson("/history", zHistory, options.maxItems ? { query: { max_items: String(options.maxItems) } } : {});
  }

  getSystemStats(): Promise<SystemStats> {
    return this.getJson("/system_stats", zSystemStats);
  }

  /**
   * Asks whether ComfyUI answers now, even while the breaker keeps other requests away: for a caller that waits for
   * the server with its own backoff (run recovery), so a server that came back is used at once, not after the
   * breaker's cool-down. An answer closes the breaker; no answer throws, naming the URL.
   */
  async probe(): Promise<void> {
    await this.request({ method: "GET", path: "/system_stats", probe: true });
  }

  async free(options: { unloadModels?: boolean; freeMemory?: boolean } = {}): Promise<void> {
    await this.request({ method: "POST", path: "/free", json: { unload_models: options.unloadModels ?? false, free_memory: options.freeMemory ?? false } });
  }

  /** Downloads an output (`/view`); videos get the longer deadline. Throws NOT_FOUND when ComfyUI has no such file. */
  async view(ref: FileRef, options: { media?: "image" | "video" } = {}): Promise<{ contentType: string; data: Buffer }> {
    const media = options.media ?? (/\.(mp4|webm|mov|mkv|gif)$/i.test(ref.filename) ? "video" : "image");
    const response = await this.request({
      method: "GET",
      path: "/view",
      query: { filename: ref.filename, subfolder: ref.subfolder, type: ref.type },
      readTimeoutMs: media === "video" ? this.timeouts.videoDownloadMs : this.timeouts.imageDownloadMs,
      accept: [404],
    });
    if (response.status === 404) {
      throw new AppError("NOT_FOUND", `ComfyUI at ${this.baseUrl} has no ${ref.type} file "${ref.subfolder ? `${ref.subfolder}/` : ""}${ref.filename}".`, { details: { ...ref } });
    }
    return { contentType: String(response.headers["content-type"] ?? "application/octet-stream"), data: response.body };
  }

  /** POST /upload/image (multipart). ComfyUI renames on a name clash unless `overwrite`. */
  async uploadImage(data: Uint8Array, filename: string, options: { type?: "input" | "temp" | "output"; subfolder?: string; overwrite?: boolean } = {}): Promise<UploadResult> {
    const boundary = `----atelier${randomUUID().replaceAll("-", "")}`;
    const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const safeName = filename.replace(/["\r\n]/g, "_");
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from(data),
      Buffer.from("\r\n"),
      field("type", options.type ?? "input"),
      field("subfolder", options.subfolder ?? ""),
      field("overwrite", options.overwrite ? "true" : "false"),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const response = await this.request({
      method: "POST",
      path: "/upload/image",
      body,
      contentType: `multipart/form-data; boundary=${boundary}`,
      readTimeoutMs: this.timeouts.imageDownloadMs,
    });
    return this.parseJson(response, zUploadResult, "POST /upload/image");
  }

  /**
   * The server's node catalogue (/object_info), cached per server. A cached one older than a minute is still answered
   * at once, and refetched behind it: ComfyUI lists model files as they are added, and custom nodes after a restart.
   * `refresh` waits for a fresh one. A refetch reuses the parse when the fingerprint is unchanged; callers asking
   * while one is in flight share it.
   */
  async getNodeCatalogue(options: { refresh?: boolean } = {}): Promise<NodeCatalogueSnapshot> {
    const cached = catalogueCache.get(this.baseUrl);
    if (cached && !options.refresh) {
      if (this.now() - cached.fetchedAt >= CATALOGUE_REVALIDATE_MS && !catalogueFetches.has(this.baseUrl)) {
        this.fetchCatalogue().catch((error: unknown) => this.logger.debug("could not refresh the node catalogue; the cached one stays", { baseUrl: this.baseUrl, error: (error as Error).message }));
      }
      return cached;
    }
    return this.fetchCatalogue();
  }

  private fetchCatalogue(): Promise<NodeCatalogueSnapshot> {
    const inFlight = catalogueFetches.get(this.baseUrl);
    if (inFlight) return inFlight;
    const fetching = (async () => {
      const cached = catalogueCache.get(this.baseUrl);
      const response = await this.request({ method: "GET", path: "/object_info" });
      const fingerprint = createHash("sha256").update(response.body).digest("hex");
      if (cached && cached.fingerprint === fingerprint) {
        const same = { ...cached, fetchedAt: this.now() };
        catalogueCache.set(this.baseUrl, same);
        return same;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(response.body.toString("utf8"));
      } catch {
        throw protocolError(this.baseUrl, "GET /object_info", "the body is not JSON");
      }
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw protocolError(this.baseUrl, "GET /object_info", "expected an object of node definitions");
      const catalogue: NodeCatalogue = {};
      const skipped: NodeCatalogueSnapshot["skipped"] = [];
      for (const [classType, def] of Object.entries(raw)) {
        const parsed = zNodeDefinition.safeParse(def);
        if (parsed.success) catalogue[classType] = parsed.data;
        else skipped.push({ classType, problem: `${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? "invalid"}` });
      }
      if (skipped.length > 0) this.logger.warn("some node definitions from ComfyUI were left out", { baseUrl: this.baseUrl, skipped: skipped.slice(0, 10) });
      const snapshot = { catalogue, fingerprint, fetchedAt: this.now(), skipped };
      catalogueCache.set(this.baseUrl, snapshot);
      return snapshot;
    })().finally(() => catalogueFetches.delete(this.baseUrl));
    catalogueFetches.set(this.baseUrl, fetching);
    return fetching;
  }

  // ---------------------------------------------------------------- websocket

  /** The shared websocket, connected. */
  async connect(): Promise<ComfySocket> {
    if (!this.socket) {
      const reconnect = this.options.reconnect ?? {};
      const socket = new ComfySocket({
        baseUrl: this.baseUrl,
        clientId: this.clientId,
        connectTimeoutMs: this.timeouts.connectMs,
        backoff: { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.2, ...reconnect },
        logger: this.logger,
        random: this.random,
      });
      socket.on("message", (m) => this.dispatch({ kind: "message", message: m }));
      socket.on("binary", (f) => this.dispatch({ kind: "binary", frame: f }));
      socket.on("open", ({ reconnected }) => this.dispatch({ kind: "open", reconnected }));
      socket.on("down", ({ reason }) => this.dispatch({ kind: "down", reason }));
      this.socket = socket;
    }
    const socket = this.socket;
    if (socket.state === "open") return socket;
    const permit = this.breaker.permit();
    if (!permit.allowed) {
      this.dropSocket();
      throw breakerOpenError(this.baseUrl, permit.failures, permit.retryInMs, permit.lastError);
    }
    try {
      await socket.connect();
      this.breaker.recordSuccess();
      return socket;
    } catch (error) {
      // A socket that was open before keeps reconnecting for the runs that follow it.
      if (!socket.hasOpened) this.dropSocket();
      const message = `ComfyUI at ${this.baseUrl} did not accept a websocket connection within ${this.timeouts.connectMs / 1000} s (${(error as Error).message}); is it running?`;
      this.breaker.recordFailure(message);
      throw new AppError("COMFYUI_UNREACHABLE", message, { details: { baseUrl: this.baseUrl } });
    }
  }

  private dropSocket(): void {
    this.socket?.close();
    this.socket?.removeAllListeners();
    this.socket = null;
  }

  private dispatch(event: SocketEvent): void {
    if (event.kind === "message") {
      const data = event.message.data as { prompt_id?: string };
      if ((event.message.type === "execution_start" || event.message.type === "executing") && data.prompt_id) this.currentPromptId = data.prompt_id;
    }
    for (const listener of [...this.runListeners]) listener(event);
  }

  /** Subscribes to every websocket event of this client; returns the unsubscribe function. */
  subscribe(listener: (event: SocketEvent) => void): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  /** Closes the websocket and stops reconnecting. */
  close(): void {
    this.dropSocket();
    this.runListeners.clear();
    this.agent.destroy();
  }

  // ---------------------------------------------------------------- a whole run

  /**
   * Follows the websocket events of a prompt queued earlier (by this client id, possibly in a previous process) without
   * queueing anything: for a restarted Atelier picking up its runs. ComfyUI sends a prompt's progress only to the client
   * id that queued it, so this hears something only when `clientId` is the one the prompt was queued with. `onEnd`
   * hears ComfyUI's end marker for the prompt (ask /history for how it ended). Events arrive while the websocket is
   * connected: the caller keeps it so with `connect()`, paced as it likes (run recovery connects whenever ComfyUI
   * answers). Returns the unsubscribe function.
   */
  watchPrompt(
    promptId: string,
    handlers: {
      onEvent: (event: RunEvent) => void;
      onEnd?: () => void;
      /**
       * On connect ComfyUI names the node it is executing when the running prompt was queued by this client id, without
       * saying which prompt (`executing` without `prompt_id`): it is this one only if ComfyUI has this one running.
       */
      onReplayedExecuting?: (nodeId: string) => void;
    },
  ): () => void {
    return this.subscribe(this.promptEventHandler(promptId, handlers.onEvent, { onEnd: handlers.onEnd, onReplayedExecuting: handlers.onReplayedExecuting }));
  }

  /**
   * Turns this client's websocket events about one prompt into RunEvents (progress_state reduced to the nodes that
   * changed); `hooks` hear what a caller following the prompt to its end needs besides.
   */
  private promptEventHandler(promptId: string, emit: (event: RunEvent) => void, hooks: PromptHooks): (event: SocketEvent) => void {
    const tracker = new ProgressStateTracker();
    return (event) => {
      if (event.kind === "down") return hooks.onDown?.(event.reason);
      if (event.kind === "open") return hooks.onOpen?.(event.reconnected);
      if (event.kind === "binary") {
        const frame = event.frame;
        if (frame.type === "preview_image_with_metadata") {
          if (frame.metadata.prompt_id === promptId) emit({ type: "preview", promptId, nodeId: frame.metadata.node_id, mime: frame.metadata.image_type, image: frame.image });
        } else if (this.currentPromptId === promptId) {
          if (frame.type === "text") emit({ type: "text", promptId, nodeId: frame.nodeId, text: frame.text });
          else if (frame.type === "preview_image") emit({ type: "preview", promptId, nodeId: null, mime: frame.format === "jpeg" ? "image/jpeg" : "image/png", image: frame.image });
        }
        return;
      }
      const m = event.message;
      if (m.type === "executing" && m.data.prompt_id === undefined && m.data.node !== null) return hooks.onReplayedExecuting?.(m.data.node);
      if (!("prompt_id" in m.data) || m.data.prompt_id !== promptId) return;
      switch (m.type) {
        case "execution_start":
          emit({ type: "started", promptId });
          break;
        case "execution_cached":
          hooks.onCached?.(m.data.nodes);
          emit({ type: "cached", promptId, nodes: m.data.nodes });
          break;
        case "progress_state":
          for (const change of tracker.update(m.data)) emit({ type: "node", change });
          break;
        case "executing":
          if (m.data.node === null) hooks.onEnd?.();
          else emit({ type: "executing", promptId, nodeId: m.data.node });
          break;
        case "progress":
          emit({ type: "progress", promptId, nodeId: m.data.node, value: m.data.value, max: m.data.max });
          break;
        case "executed":
          hooks.onExecuted?.(m.data.node, m.data.output);
          emit({ type: "executed", promptId, nodeId: m.data.node, output: m.data.output });
          break;
        case "execution_error":
          hooks.onError?.(m.data);
          break;
        case "execution_interrupted":
          hooks.onInterrupted?.(m.data);
          break;
        case "execution_success":
        case "status":
        case "feature_flags":
          break;
        default:
          assertNever(m, "websocket message");
      }
    };
  }

  /**
   * Queues a prompt and follows it to its end: WS events go to `onEvent`
   * (progress_state reduced to the nodes that changed), the outcome comes
   * from /history. After a lost connection it reconciles through /history
   * and /queue; a prompt neither knows any more is reported as "lost".
   */
  async runPrompt(prompt: ApiPrompt, options: { onEvent?: (event: RunEvent) => void; extraData?: Record<string, unknown>; signal?: AbortSignal } = {}): Promise<RunResult> {
    const emit = options.onEvent ?? (() => undefined);
    options.signal?.throwIfAborted();
    await this.connect();
    const buffered: SocketEvent[] = [];
    let handle: ((event: SocketEvent) => void) | null = null;
    // Listen before POSTing: the first events can arrive before the HTTP answer.
    const unsubscribe = this.subscribe((event) => (handle ? handle(event) : buffered.push(event)));
    try {
      const queued = await this.queuePrompt(prompt, { extraData: options.extraData });
      if (!queued.ok) {
        const { ok: _ok, ...rejection } = queued;
        return { status: "rejected", ...rejection };
      }
      const { promptId, number } = queued;
      emit({ type: "queued", promptId, number, issues: queued.issues });

      return await new Promise<RunResult>((resolve, reject) => {
        const wsOutputs: Record<string, NodeOutput> = {};
        let cachedNodes: string[] = [];
        let error: ExecutionErrorData | null = null;
        let interrupted: ExecutionInterruptedData | null = null;
        let done = false;
        let reconciling = false;
        let connectionLost = false;
        const timers: NodeJS.Timeout[] = [];
        // Runs reconcile() (defined below) only once the interval fires.
        const poll = setInterval(() => void reconcile("periodic check"), this.options.reconcileIntervalMs ?? 15_000);
        const cleanup = () => {
          done = true;
          timers.forEach(clearTimeout);
          clearInterval(poll);
          options.signal?.removeEventListener("abort", onAbort);
        };
        const fail = (e: unknown) => {
          if (done) return;
          cleanup();
          reject(e);
        };
        const finishFrom = async (history: HistoryEntry | null, reconciled: boolean, fallback: RunStatus | null, detail: string | null = null) => {
          if (done) return;
          cleanup();
          const fromHistory = history ? statusFromHistory(history) : null;
          resolve({
            status: fromHistory ?? fallback ?? (error ? "error" : interrupted ? "interrupted" : "success"),
            promptId,
            number,
            outputs: { ...wsOutputs, ...(history?.outputs ?? {}) },
            cachedNodes: cachedNodes.length > 0 || !history ? cachedNodes : (historyMessage<{ nodes: string[] }>(history, "execution_cached")?.nodes ?? []),
            error: error ?? (history ? historyMessage<ExecutionErrorData>(history, "execution_error") : null),
            interrupted: interrupted ?? (history ? historyMessage<ExecutionInterruptedData>(history, "execution_interrupted") : null),
            issues: queued.issues,
            history,
            reconciled,
            detail,
          });
        };
        const reconcile = async (why: string) => {
          if (done || reconciling) return;
          reconciling = true;
          try {
            const history = await this.getHistoryEntry(promptId);
            if (history) return void (await finishFrom(history, true, null));
            const queue = await this.getQueue();
            const known = [...queue.queue_running, ...queue.queue_pending].some((item) => item[1] === promptId);
            // It may have finished between the two requests.
            const late = known ? null : await this.getHistoryEntry(promptId);
            if (late) return void (await finishFrom(late, true, null));
            if (!known) {
              await finishFrom(null, true, "lost", `ComfyUI at ${this.baseUrl} no longer knows prompt ${promptId} (${why}); it was probably restarted, so its result is unknown.`);
            }
          } catch (e) {
            // Still unreachable: the socket keeps reconnecting and we try again on the next open or poll.
            this.logger.debug("could not reconcile a run with ComfyUI yet", { promptId, error: (e as Error).message });
          } finally {
            reconciling = false;
          }
        };
        // Aborting stops following the prompt; it does not interrupt it on ComfyUI (call interrupt() for that).
        const onAbort = () => fail(options.signal?.reason ?? new Error(`Stopped following prompt ${promptId}`));
        options.signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(
          setTimeout(
            () =>
              fail(
                new AppError("COMFYUI_TIMEOUT", `ComfyUI at ${this.baseUrl} did not finish prompt ${promptId} within ${this.timeouts.generationMs / 1000} s; it may still be queued or running there.`, {
                  details: { promptId, baseUrl: this.baseUrl },
                }),
              ),
            this.timeouts.generationMs,
          ),
        );

        const follow = this.promptEventHandler(promptId, emit, {
          onOpen: (reconnected) => {
            if (!reconnected) return;
            connectionLost = false;
            emit({ type: "connection", state: "restored", detail: `reconnected to ${this.baseUrl}` });
            void reconcile("the websocket reconnected");
          },
          onDown: (reason) => {
            // Every failed reconnect attempt reports a drop; the run hears about the outage once.
            if (!connectionLost) emit({ type: "connection", state: "lost", detail: reason });
            connectionLost = true;
          },
          onCached: (nodes) => (cachedNodes = nodes),
          onExecuted: (nodeId, output) => {
            if (output) wsOutputs[nodeId] = output;
          },
          onError: (data) => (error = data),
          onInterrupted: (data) => (interrupted = data),
          onEnd: () =>
            void this.getHistoryEntry(promptId)
              .catch(() => null)
              .then((history) => finishFrom(history, false, null)),
        });
        handle = (event) => {
          if (!done) follow(event);
        };
        for (const event of buffered.splice(0)) handle(event);
      });
    } finally {
      unsubscribe();
    }
  }
}

/** What a caller following one prompt hears besides its RunEvents. */
interface PromptHooks {
  onOpen?: (reconnected: boolean) => void;
  onDown?: (reason: string) => void;
  onCached?: (nodes: string[]) => void;
  onExecuted?: (nodeId: string, output: NodeOutput | null) => void;
  onError?: (data: ExecutionErrorData) => void;
  onInterrupted?: (data: ExecutionInterruptedData) => void;
  /** ComfyUI's end marker for the prompt (`executing` with node null). */
  onEnd?: () => void;
  /** The `executing` without a prompt id that ComfyUI sends on connect while a prompt of this client id runs. */
  onReplayedExecuting?: (nodeId: string) => void;
}

export type SocketEvent =
  | { kind: "message"; message: WsKnownMessage }
  | { kind: "binary"; frame: Exclude<BinaryFrame, { type: "unknown_binary" }> }
  | { kind: "open"; reconnected: boolean }
  | { kind: "down"; reason: string };

function historyMessage<T>(history: HistoryEntry, type: string): T | null {
  const found = history.status?.messages.find(([t]) => t === type);
  return found ? (found[1] as T) : null;
}

function statusFromHistory(history: HistoryEntry): RunStatus | null {
  if (!history.status) return null;
  if (history.status.status_str === "success") return "success";
  if (history.status.messages.some(([t]) => t === "execution_interrupted")) return "interrupted";
  return "error";
}

/** A ComfyUI server's base URL as the client names it: origin plus any path prefix, without a trailing slash. */
export function normalizeComfyUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/$/, "")}`;
}

/** True for the errors that mean "ComfyUI is not there" rather than "ComfyUI said no". */
export function isComfyUnavailable(error: unknown): boolean {
  return isAppError(error, "COMFYUI_UNREACHABLE") || isAppError(error, "COMFYUI_TIMEOUT");
}
