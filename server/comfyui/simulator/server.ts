import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { freemem, tmpdir, totalmem } from "node:os";
import { basename, extname, join, resolve, sep } from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import type { NodeCatalogue, NodeDefinition } from "@/lib/graph/catalogue";
import { PromptExecutor, type ExecIO, type HistoryResult, type QueueEntry, type RawPrompt, type SendMode } from "./executor";
import { parseMultipart } from "./multipart";
import { defaultBehaviours, type NodeBehaviour, type SimEnv } from "./nodes";
import { encodePng } from "./png";
import { pythonJson } from "./py-json";
import { ServerCrash, validatePrompt } from "./validate";

/**
 * A ComfyUI-protocol server for tests and for trying the run path without a
 * GPU: HTTP routes (also under /api), the /ws websocket, a one-worker queue,
 * validation and execution as captured from ComfyUI 0.8.0 (shared/comfyui).
 */

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Node definitions to serve and validate against; default: the bundled catalogue. */
  catalogue?: NodeCatalogue;
  /** Holds input/, output/ and temp/. Default: a fresh temporary directory. */
  dataDir?: string;
  /** Simulated time per node (ms), or per class_type. Default 30. */
  nodeDelayMs?: number | ((classType: string) => number);
  /** Simulated time per sampler step (ms). Default 10. */
  stepDelayMs?: number;
  /** Fake model files by folder; they fill the model dropdowns and satisfy loaders. */
  models?: Record<string, string[]>;
  /** Extra or replacement node behaviours, merged over the defaults. */
  behaviours?: Record<string, NodeBehaviour>;
  /** Overrides merged into /system_stats (e.g. a device's VRAM). */
  systemStats?: { devices?: Record<string, unknown>[]; system?: Record<string, unknown> };
  now?: () => number;
  log?: (line: string) => void;
  /** Told of every prompt queued, with `now()` when its POST /prompt request arrived (benchmarks time the run path with it). */
  onPromptQueued?: (prompt: { promptId: string; number: number; receivedAt: number; extraData: Record<string, unknown> }) => void;
}

export interface Simulator {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly dirs: SimEnv["dirs"];
  /** Starts listening again on the same port after stop(). */
  start(): Promise<void>;
  /** Stops answering (HTTP and WS, connections cut) while the queue keeps running: a network outage. */
  stop(): Promise<void>;
  /** Stops for good: interrupts the running prompt and drops the queue. */
  close(): Promise<void>;
  /** Forgets cached node outputs. */
  clearCache(): void;
  /** Resolves when nothing is running or queued. */
  whenIdle(): Promise<void>;
}

/** ComfyUI's model folders (GET /models). */
export const MODEL_FOLDERS = [
  "checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision", "style_models", "embeddings",
  "diffusers", "vae_approx", "controlnet", "gligen", "upscale_models", "latent_upscale_models", "custom_nodes", "hypernetworks",
  "photomaker", "classifiers", "model_patches", "audio_encoders",
];

export const DEFAULT_SIM_MODELS: Record<string, string[]> = {
  checkpoints: ["sim-sd15.safetensors", "sim-sdxl.safetensors"],
  vae: ["sim-vae.safetensors"],
  loras: ["sim-lora.safetensors"],
  text_encoders: ["sim-clip-l.safetensors"],
  diffusion_models: ["sim-unet.safetensors"],
  controlnet: ["sim-controlnet.safetensors"],
  upscale_models: ["sim-4x-upscaler.pth"],
};

const SERVER_FEATURES = { supports_preview_metadata: true, max_upload_size: 104857600, extension: { manager: { supports_v4: true } } };
const SENSITIVE_EXTRA_DATA_KEYS = ["auth_token_comfy_org", "api_key_comfy_org"];
const MAX_HISTORY = 10000;
const CRASH_TEXT = "500 Internal Server Error\n\nServer got itself in trouble";

/** Which model folder a loader input lists. */
function modelFolderOf(classType: string, input: string): string | null {
  if (classType === "CLIPVisionLoader" && input === "clip_name") return "clip_vision";
  if (classType === "UpscaleModelLoader" && input === "model_name") return "upscale_models";
  const byName: Record<string, string> = {
    ckpt_name: "checkpoints",
    vae_name: "vae",
    lora_name: "loras",
    control_net_name: "controlnet",
    unet_name: "diffusion_models",
    clip_name: "text_encoders",
    clip_name1: "text_encoders",
    clip_name2: "text_encoders",
    style_model_name: "style_models",
  };
  return byName[input] ?? null;
}

function patchCombos(def: NodeDefinition, list: (input: string) => string[] | null): NodeDefinition {
  let changed = false;
  const input = { ...def.input };
  for (const category of ["required", "optional"] as const) {
    const specs = def.input[category];
    if (!specs) continue;
    const next = { ...specs };
    for (const [name, spec] of Object.entries(specs)) {
      const values = Array.isArray(spec[0]) ? list(name) : null;
      if (values) {
        next[name] = spec.length > 1 ? [values, spec[1]] : [values];
        changed = true;
      }
    }
    input[category] = next;
  }
  return changed ? { ...def, input } : def;
}

const imageExtensions = new Set([".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"]);
const contentTypes: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".json": "application/json",
  ".txt": "text/plain",
};

function isLoopback(host: string | undefined): boolean {
  if (!host) return false;
  if (host === "localhost") return true;
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1";
  return false;
}

/**
 * ComfyUI's origin check (server.py): when the Host is a loopback address and
 * the Origin names another host:port, answer 403 with an empty body.
 */
function originRejected(req: IncomingMessage): boolean {
  const host = req.headers.host;
  const origin = req.headers.origin;
  if (!host || !origin) return false;
  let parsedOrigin: URL;
  let parsedHost: URL;
  try {
    parsedOrigin = new URL(origin);
    parsedHost = new URL(`http://${host.toLowerCase()}`);
  } catch {
    return false;
  }
  if (!isLoopback(parsedHost.hostname)) return false;
  const originHasPort = parsedOrigin.port !== "";
  const hostHasPort = parsedHost.port !== "";
  const hostDomain = originHasPort ? parsedHost.host : parsedHost.hostname;
  const originDomain = hostHasPort ? parsedOrigin.host : parsedOrigin.hostname;
  return hostDomain.length > 0 && originDomain.length > 0 && hostDomain !== originDomain;
}

interface ClientSocket {
  ws: WebSocket;
  featureFlags: Record<string, unknown>;
}

interface HistoryEntry {
  prompt: [number, string, RawPrompt, Record<string, unknown>, string[]];
  outputs: HistoryResult["outputs"];
  status: HistoryResult["status"];
  meta: HistoryResult["meta"];
  startedAt: number;
  endedAt: number;
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: string | Buffer = "",
    readonly contentType = "application/octet-stream",
    readonly headers: Record<string, string> = {},
  ) {}
}

const json = (value: unknown, status = 200) => new HttpAnswer(status, pythonJson(value), "application/json; charset=utf-8");
const empty = (status = 200) => new HttpAnswer(status);
const text = (status: number, body: string) => new HttpAnswer(status, body, "text/plain; charset=utf-8");

class SimulatorImpl implements Simulator {
  port: number;
  readonly host: string;
  readonly dirs: SimEnv["dirs"];
  private server: Server | null = null;
  private wss = new WebSocketServer({ noServer: true });
  private sockets = new Map<string, ClientSocket>();
  private pending: QueueEntry[] = [];
  private running: QueueEntry | null = null;
  private runningStartedAt = 0;
  private history = new Map<string, HistoryEntry>();
  private counter = 0;
  private interruptRequested = false;
  private lastNodeId: string | null = null;
  private closed = false;
  private pumping = false;
  private readonly executor: PromptExecutor;
  private readonly behaviours: Record<string, NodeBehaviour>;
  private readonly models: Record<string, string[]>;
  private readonly baseCatalogue: NodeCatalogue;
  private readonly now: () => number;

  constructor(private options: SimulatorOptions) {
    this.port = options.port ?? 0;
    this.host = options.host ?? "127.0.0.1";
    const root = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), "atelier-sim-")));
    this.dirs = { input: join(root, "input"), output: join(root, "output"), temp: join(root, "temp") };
    // Like ComfyUI, temp files do not survive a restart.
    rmSync(this.dirs.temp, { recursive: true, force: true });
    for (const dir of Object.values(this.dirs)) mkdirSync(dir, { recursive: true });
    const example = join(this.dirs.input, "example.png");
    if (!existsSync(example)) {
      const pixels = new Uint8Array(64 * 64 * 3).map((_, i) => (i % 3 === 0 ? 200 : i % 3 === 1 ? 120 : 40));
      writeFileSync(example, encodePng({ width: 64, height: 64, channels: 3, pixels }));
    }
    this.now = options.now ?? Date.now;
    this.models = { ...Object.fromEntries(MODEL_FOLDERS.map((f) => [f, [] as string[]])), ...(options.models ?? DEFAULT_SIM_MODELS) };
    this.behaviours = { ...defaultBehaviours, ...(options.behaviours ?? {}) };
    const source = options.catalogue ?? BUNDLED_CATALOGUE;
    this.baseCatalogue = Object.fromEntries(
      Object.entries(source).map(([name, def]) => [name, patchCombos(def, (input) => {
        const folder = modelFolderOf(name, input);
        if (!folder) return null;
        // VAELoader always offers "pixel_space" (no VAE) after the files.
        return name === "VAELoader" ? [...(this.models[folder] ?? []), "pixel_space"] : [...(this.models[folder] ?? [])];
      })]),
    );
    this.executor = new PromptExecutor({ catalogue: () => this.catalogue(), behaviours: this.behaviours, env: this.env() });
  }

  get url(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  private env(): SimEnv {
    return { dirs: this.dirs, models: this.models };
  }

  private inputFiles(): string[] {
    return readdirSync(this.dirs.input)
      .filter((f) => imageExtensions.has(extname(f).toLowerCase()) && statSync(join(this.dirs.input, f)).isFile())
      .sort();
  }

  /** The catalogue as served right now: model dropdowns from the fake models, image dropdowns from input/. */
  private catalogue(): NodeCatalogue {
    const files = this.inputFiles();
    const out = { ...this.baseCatalogue };
    for (const name of ["LoadImage", "LoadImageMask"]) {
      const def = out[name];
      if (def) out[name] = patchCombos(def, (input) => (input === "image" ? files : null));
    }
    return out;
  }

  // ---- lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolvePromise, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.host, () => {
        server.off("error", reject);
        resolvePromise();
      });
    });
    const address = server.address();
    if (address && typeof address === "object") this.port = address.port;
    this.server = server;
    this.options.log?.(`ComfyUI simulator listening on ${this.url}`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const { ws } of this.sockets.values()) ws.terminate();
    for (const ws of this.wss.clients) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolvePromise) => {
      server.close(() => resolvePromise());
      server.closeAllConnections();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    this.interruptRequested = true;
    await this.stop();
    this.wss.close();
  }

  clearCache(): void {
    this.executor.clearCache();
  }

  async whenIdle(): Promise<void> {
    while (this.running || this.pending.length > 0 || this.pumping) await new Promise((r) => setTimeout(r, 5));
  }

  // ---- websocket

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (originRejected(req)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    if (url.pathname !== "/ws" && url.pathname !== "/api/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, url.searchParams.get("clientId") || randomUUID().replaceAll("-", "")));
  }

  private onSocket(ws: WebSocket, sid: string): void {
    const client: ClientSocket = { ws, featureFlags: {} };
    this.sockets.set(sid, client);
    ws.send(pythonJson({ type: "status", data: { status: this.queueInfo(), sid } }));
    // A client that reconnects mid-run learns which node is running.
    if (this.running?.extraData.client_id === sid && this.lastNodeId !== null) {
      ws.send(pythonJson({ type: "executing", data: { node: this.lastNodeId } }));
    }
    let first = true;
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      try {
        const message = JSON.parse(data.toString()) as { type?: unknown; data?: unknown };
        if (first && message?.type === "feature_flags") {
          client.featureFlags = (message.data as Record<string, unknown>) ?? {};
          ws.send(pythonJson({ type: "feature_flags", data: SERVER_FEATURES }));
        }
      } catch {
        // ComfyUI logs and ignores text that is not JSON.
      }
      first = false;
    });
    ws.on("close", () => {
      if (this.sockets.get(sid)?.ws === ws) this.sockets.delete(sid);
    });
    ws.on("error", () => undefined);
  }

  private sendRaw(sid: string | null, payload: string | Buffer): void {
    const targets = sid === null ? [...this.sockets.values()] : [this.sockets.get(sid)].filter((c) => c !== undefined);
    for (const { ws } of targets) if (ws.readyState === ws.OPEN) ws.send(payload);
  }

  private broadcastStatus(): void {
    this.sendRaw(null, pythonJson({ type: "status", data: { status: this.queueInfo() } }));
  }

  private queueInfo() {
    return { exec_info: { queue_remaining: this.pending.length + (this.running ? 1 : 0) } };
  }

  // ---- queue

  private put(entry: QueueEntry): void {
    this.pending.push(entry);
    this.pending.sort((a, b) => a.number - b.number);
    this.broadcastStatus();
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (!this.closed && this.pending.length > 0) {
        const item = this.pending.shift()!;
        this.running = item;
        this.runningStartedAt = this.now();
        this.broadcastStatus();
        const clientId = typeof item.extraData.client_id === "string" ? item.extraData.client_id : null;
        const io: ExecIO = {
          send: (type, data, mode: SendMode) => {
            if (mode === "ifClient" && clientId === null) return;
            this.sendRaw(clientId, pythonJson({ type, data }));
          },
          sendJson: (type, data, mode: SendMode) => {
            if (mode === "ifClient" && clientId === null) return;
            this.sendRaw(clientId, `{"type": ${pythonJson(type)}, "data": ${data}}`);
          },
          sendBinary: (frame) => this.sendRaw(clientId, frame),
          clientSupportsPreviewMetadata: () => clientId !== null && this.sockets.get(clientId)?.featureFlags.supports_preview_metadata === true,
          takeInterrupt: () => {
            const was = this.interruptRequested;
            this.interruptRequested = false;
            return was;
          },
          setLastNode: (id) => {
            this.lastNodeId = id;
          },
          sleep: (ms) => new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r))),
          nodeDelayMs: (classType) => {
            const d = this.options.nodeDelayMs ?? 30;
            return typeof d === "function" ? d(classType) : d;
          },
          stepDelayMs: this.options.stepDelayMs ?? 10,
          now: this.now,
        };
        let result: HistoryResult;
        try {
          result = await this.executor.run(item, io);
        } catch (error) {
          this.options.log?.(`simulator worker failed: ${(error as Error).stack}`);
          result = { status: { status_str: "error", completed: false, messages: [] }, outputs: {}, meta: {} };
        }
        this.history.set(item.promptId, {
          prompt: [item.number, item.promptId, item.prompt, item.extraData, item.outputs],
          outputs: result.outputs,
          status: result.status,
          meta: result.meta,
          startedAt: this.runningStartedAt,
          endedAt: this.now(),
        });
        while (this.history.size > MAX_HISTORY) this.history.delete(this.history.keys().next().value!);
        this.running = null;
        this.broadcastStatus();
        this.sendRaw(clientId, pythonJson({ type: "executing", data: { node: null, prompt_id: item.promptId } }));
      }
    } finally {
      this.pumping = false;
    }
  }

  // ---- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: HttpAnswer;
    try {
      answer = await this.route(req);
    } catch (error) {
      this.options.log?.(`simulator: ${req.method} ${req.url} crashed: ${(error as Error).message}`);
      answer = text(500, CRASH_TEXT);
    }
    res.writeHead(answer.status, { "Content-Type": answer.contentType, "Content-Length": Buffer.byteLength(answer.body), ...answer.headers });
    res.end(answer.body);
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > SERVER_FEATURES.max_upload_size) reject(new Error("body too large"));
        else chunks.push(c);
      });
      req.on("end", () => resolveBody(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  /** aiohttp's request.json(): anything unparsable is an unhandled exception, hence 500. */
  private async readJson(req: IncomingMessage): Promise<unknown> {
    return JSON.parse((await this.readBody(req)).toString("utf8"));
  }

  private async route(req: IncomingMessage): Promise<HttpAnswer> {
    if (originRejected(req)) return empty(403);
    if (req.method === "OPTIONS") return empty(200);
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.startsWith("/api/") ? url.pathname.slice(4) : url.pathname;
    const method = req.method ?? "GET";
    const allow = (...methods: string[]) => (methods.includes(method) ? null : text(405, "405: Method Not Allowed"));
    const segments = path.split("/").filter(Boolean);

    switch (segments[0]) {
      case undefined:
        return allow("GET") ?? new HttpAnswer(200, "<!doctype html><title>ComfyUI simulator</title><p>Atelier's ComfyUI protocol simulator.</p>", "text/html; charset=utf-8");
      case "prompt":
        if (segments.length > 1) break;
        if (method === "GET") return json(this.queueInfo());
        if (method === "POST") {
          const receivedAt = this.now();
          return this.postPrompt(await this.readJson(req), receivedAt);
        }
        return allow("POST")!;
      case "queue":
        if (segments.length > 1) break;
        if (method === "GET") return json(this.queueBody());
        return allow("POST") ?? this.postQueue(await this.readJson(req));
      case "interrupt":
        if (segments.length > 1) break;
        return allow("POST") ?? this.postInterrupt(await this.readBody(req));
      case "free":
        if (segments.length > 1) break;
        return allow("POST") ?? (await this.readJson(req), empty());
      case "history":
        if (segments.length === 1) {
          if (method === "GET") return json(this.historyBody(url.searchParams));
          return allow("POST") ?? this.postHistory(await this.readJson(req));
        }
        if (segments.length === 2) return allow("GET") ?? json(this.history.has(segments[1]!) ? { [segments[1]!]: this.historyEntry(segments[1]!) } : {});
        break;
      case "object_info": {
        const answer = allow("GET");
        if (answer) return answer;
        const catalogue = this.catalogue();
        if (segments.length === 1) return json(catalogue);
        if (segments.length === 2) return json(catalogue[segments[1]!] ? { [segments[1]!]: catalogue[segments[1]!] } : {});
        break;
      }
      case "system_stats":
        return allow("GET") ?? json(this.systemStats());
      case "features":
        return allow("GET") ?? json(SERVER_FEATURES);
      case "embeddings":
      case "extensions":
        return allow("GET") ?? json([]);
      case "models":
        if (segments.length === 1) return allow("GET") ?? json(MODEL_FOLDERS);
        if (segments.length === 2) {
          const list = this.models[segments[1]!];
          return allow("GET") ?? (list ? json([...list].sort()) : empty(404));
        }
        break;
      case "view":
        return allow("GET") ?? this.view(url.searchParams);
      case "upload":
        if (segments[1] === "image" && segments.length === 2) return allow("POST") ?? this.upload(req, await this.readBody(req));
        break;
      case "jobs":
        if (segments.length === 1) return allow("GET") ?? json(this.jobsBody(url.searchParams));
        if (segments.length === 2) {
          const job = this.job(segments[1]!, { detailed: true });
          return allow("GET") ?? (job ? json(job) : json({ error: "Job not found" }, 404));
        }
        break;
    }
    return text(404, "404: Not Found");
  }

  private postPrompt(body: unknown, receivedAt: number): HttpAnswer {
    // Python's `in` on a JSON string is a substring test: only a string mentioning neither key gets past it.
    if (typeof body === "string" && !body.includes("number") && !body.includes("prompt")) {
      this.counter++;
      return json({ error: { type: "no_prompt", message: "No prompt provided", details: "No prompt provided", extra_info: {} }, node_errors: {} }, 400);
    }
    if (typeof body !== "object" || body === null) throw new ServerCrash("body is not an object");
    const data = body as Record<string, unknown>;
    let number: number;
    if ("number" in data) number = Number(data.number);
    else {
      number = this.counter;
      if (data.front === true) number = -number;
      this.counter++;
    }
    if (Array.isArray(body) || !("prompt" in data)) {
      return json({ error: { type: "no_prompt", message: "No prompt provided", details: "No prompt provided", extra_info: {} }, node_errors: {} }, 400);
    }
    // Validation converts values in place, so work on a copy of what was posted.
    const prompt = structuredClone(data.prompt) as RawPrompt;
    const promptId = "prompt_id" in data && data.prompt_id != null ? String(data.prompt_id) : randomUUID();
    const partial = Array.isArray(data.partial_execution_targets) ? (data.partial_execution_targets as string[]) : null;
    const validation = validatePrompt(prompt, {
      catalogue: this.catalogue(),
      partialExecutionTargets: partial,
      customValidator: (classType) => {
        const v = this.behaviours[classType]?.validate;
        return v ? { inputs: v.inputs, check: (values) => v.check(values, this.env()) } : undefined;
      },
    });
    const extraData: Record<string, unknown> = typeof data.extra_data === "object" && data.extra_data !== null ? { ...(data.extra_data as object) } : {};
    if ("client_id" in data) extraData.client_id = data.client_id;
    if (!validation.ok) return json({ error: validation.error, node_errors: validation.nodeErrors }, 400);
    for (const key of SENSITIVE_EXTRA_DATA_KEYS) delete extraData[key];
    extraData.create_time = this.now();
    this.put({ number, promptId, prompt, extraData: extraData as QueueEntry["extraData"], outputs: validation.outputs });
    this.options.onPromptQueued?.({ promptId, number, receivedAt, extraData });
    return json({ prompt_id: promptId, number, node_errors: validation.nodeErrors });
  }

  private queueItem(e: QueueEntry): unknown[] {
    return [e.number, e.promptId, e.prompt, e.extraData, e.outputs];
  }

  private queueBody() {
    return { queue_running: this.running ? [this.queueItem(this.running)] : [], queue_pending: this.pending.map((e) => this.queueItem(e)) };
  }

  private postQueue(body: unknown): HttpAnswer {
    const data = (body ?? {}) as Record<string, unknown>;
    if (data.clear) {
      this.pending = [];
      this.broadcastStatus();
    }
    if (Array.isArray(data.delete)) {
      for (const id of data.delete) {
        const index = this.pending.findIndex((e) => e.promptId === id);
        if (index >= 0) {
          this.pending.splice(index, 1);
          this.broadcastStatus();
        }
      }
    }
    return empty();
  }

  private postInterrupt(raw: Buffer): HttpAnswer {
    let promptId: unknown;
    try {
      promptId = (JSON.parse(raw.toString("utf8")) as { prompt_id?: unknown })?.prompt_id;
    } catch {
      promptId = undefined;
    }
    if (!promptId || this.running?.promptId === promptId) this.interruptRequested = true;
    return empty();
  }

  private historyEntry(id: string) {
    const e = this.history.get(id)!;
    return { prompt: e.prompt, outputs: e.outputs, status: e.status, meta: e.meta };
  }

  private historyBody(params: URLSearchParams) {
    const maxItems = params.has("max_items") ? Number(params.get("max_items")) : null;
    let offset = params.has("offset") ? Number(params.get("offset")) : -1;
    if (offset < 0 && maxItems !== null) offset = this.history.size - maxItems;
    const out: Record<string, unknown> = {};
    let i = 0;
    for (const id of this.history.keys()) {
      if (i >= offset) {
        out[id] = this.historyEntry(id);
        if (maxItems !== null && Object.keys(out).length >= maxItems) break;
      }
      i++;
    }
    return out;
  }

  private postHistory(body: unknown): HttpAnswer {
    const data = (body ?? {}) as Record<string, unknown>;
    if (data.clear) this.history.clear();
    if (Array.isArray(data.delete)) for (const id of data.delete) this.history.delete(String(id));
    return empty();
  }

  private systemStats() {
    const ram = totalmem();
    const free = freemem();
    return {
      system: {
        os: process.platform,
        ram_total: ram,
        ram_free: free,
        comfyui_version: "0.8.0",
        required_frontend_version: "1.35.9",
        installed_templates_version: null,
        required_templates_version: "0.7.67",
        python_version: `Atelier ComfyUI simulator (Node ${process.version})`,
        pytorch_version: "simulated",
        embedded_python: false,
        argv: ["main.py", "--simulator", "--port", String(this.port)],
        ...(this.options.systemStats?.system ?? {}),
      },
      devices: this.options.systemStats?.devices ?? [
        { name: "cpu", type: "cpu", index: null, vram_total: ram, vram_free: free, torch_vram_total: ram, torch_vram_free: free },
      ],
    };
  }

  private view(params: URLSearchParams): HttpAnswer {
    const filename = params.get("filename");
    if (filename === null) return empty(404);
    if (!filename || filename.startsWith("/") || filename.includes("..")) return empty(400);
    const type = params.get("type") ?? "output";
    const root = type === "output" ? this.dirs.output : type === "input" ? this.dirs.input : type === "temp" ? this.dirs.temp : null;
    if (!root) return empty(400);
    let dir = root;
    if (params.has("subfolder")) {
      dir = resolve(root, params.get("subfolder")!);
      if (dir !== root && !dir.startsWith(root + sep)) return empty(403);
    }
    const name = basename(filename);
    const file = join(dir, name);
    if (!existsSync(file) || !statSync(file).isFile()) return empty(404);
    return new HttpAnswer(200, readFileSync(file), contentTypes[extname(name).toLowerCase()] ?? "application/octet-stream", {
      "Content-Disposition": `filename="${name}"`,
    });
  }

  private upload(req: IncomingMessage, body: Buffer): HttpAnswer {
    const parts = parseMultipart(req.headers["content-type"], body);
    if (!parts) return empty(400);
    const field = (name: string) => parts.find((p) => p.name === name && p.filename === null)?.data.toString("utf8");
    const image = parts.find((p) => p.name === "image" && p.filename !== null);
    if (!image?.filename) return empty(400);
    const type = field("type") || "input";
    const root = type === "output" ? this.dirs.output : type === "temp" ? this.dirs.temp : this.dirs.input;
    const subfolder = field("subfolder") ?? "";
    const folder = resolve(root, subfolder);
    let filename = basename(image.filename);
    let target = join(folder, filename);
    if (folder !== root && !folder.startsWith(root + sep)) return empty(400);
    mkdirSync(folder, { recursive: true });
    const overwrite = field("overwrite");
    let duplicate = false;
    if (overwrite !== "true" && overwrite !== "1") {
      const ext = extname(filename);
      const stem = filename.slice(0, filename.length - ext.length);
      for (let i = 1; existsSync(target); i++) {
        if (readFileSync(target).equals(image.data)) {
          duplicate = true;
          break;
        }
        filename = `${stem} (${i})${ext}`;
        target = join(folder, filename);
      }
    }
    if (!duplicate) writeFileSync(target, image.data);
    return json({ name: filename, subfolder, type: type === "output" || type === "temp" ? type : "input" });
  }

  private job(id: string, options: { detailed: boolean }): Record<string, unknown> | null {
    const pendingIndex = this.pending.findIndex((e) => e.promptId === id);
    const entry = this.running?.promptId === id ? this.running : pendingIndex >= 0 ? this.pending[pendingIndex]! : null;
    if (entry) {
      return {
        id,
        status: entry === this.running ? "in_progress" : "pending",
        priority: entry.number,
        create_time: entry.extraData.create_time,
        execution_start_time: entry === this.running ? this.runningStartedAt : null,
        execution_end_time: null,
        outputs_count: 0,
        preview_output: null,
      };
    }
    const h = this.history.get(id);
    if (!h) return null;
    const previews = Object.entries(h.outputs).flatMap(([nodeId, out]) =>
      Object.entries(out).flatMap(([mediaType, items]) =>
        (items as unknown[]).filter((i): i is Record<string, unknown> => typeof i === "object" && i !== null && "filename" in i).map((i) => ({ ...i, nodeId, mediaType })),
      ),
    );
    const job: Record<string, unknown> = {
      id,
      status: h.status.status_str === "success" ? "completed" : h.status.messages.some(([t]) => t === "execution_interrupted") ? "cancelled" : "failed",
      priority: h.prompt[0],
      create_time: h.prompt[3].create_time,
      execution_start_time: h.startedAt,
      execution_end_time: h.endedAt,
      outputs_count: previews.length,
      preview_output: previews[0] ?? null,
    };
    if (options.detailed) {
      job.outputs = h.outputs;
      job.execution_status = h.status;
      job.workflow = { prompt: h.prompt[2], extra_data: h.prompt[3] };
    }
    return job;
  }

  private jobsBody(params: URLSearchParams) {
    const ids = [...(this.running ? [this.running.promptId] : []), ...this.pending.map((e) => e.promptId), ...[...this.history.keys()].reverse()];
    const limit = params.has("limit") ? Math.max(0, Number(params.get("limit"))) : ids.length;
    const offset = params.has("offset") ? Math.max(0, Number(params.get("offset"))) : 0;
    const page = ids.slice(offset, offset + limit);
    return {
      jobs: page.map((id) => this.job(id, { detailed: false })),
      pagination: { offset, limit, total: ids.length, has_more: offset + page.length < ids.length },
    };
  }
}

/** Starts a simulator (listening when the promise resolves). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new SimulatorImpl(options);
  await sim.start();
  return sim;
}
