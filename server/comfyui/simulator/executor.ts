import { createHash } from "node:crypto";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import { encodeBinaryFrame } from "../protocol";
import { NodeExecutionError, placeholderOutputs, type NodeBehaviour, type NodeContext, type SimEnv } from "./nodes";
import { PyFloat, pythonJson } from "./py-json";

/**
 * Runs one queued prompt the way ComfyUI's PromptExecutor does, message for
 * message: execution_start, execution_cached, then per node progress_state
 * (running) → executing → [progress] → [executed] → progress_state
 * (finished), and execution_success | execution_error |
 * execution_interrupted. The output cache is keyed by input signature and
 * survives between prompts, keeping only what the latest prompt uses
 * (ComfyUI's default "classic" cache).
 */

export type RawPrompt = Record<string, { class_type: string; inputs: Record<string, unknown>; [key: string]: unknown }>;

export interface QueueEntry {
  number: number;
  promptId: string;
  prompt: RawPrompt;
  extraData: Record<string, unknown> & { client_id?: string; create_time: number };
  outputs: string[];
}

/** How a message reaches clients, mirroring ComfyUI's send rules. */
export type SendMode =
  /** Only when the prompt has a client_id (execution_start, executing, executed, …). */
  | "ifClient"
  /** To the prompt's client, or to everyone when it has none (progress_state, progress, binary frames, interrupts). */
  | "clientOrAll";

export interface ExecIO {
  send(type: string, data: Record<string, unknown>, mode: SendMode): void;
  /** Like send, with `data` already serialised. */
  sendJson(type: string, data: string, mode: SendMode): void;
  sendBinary(frame: Buffer, mode: SendMode): void;
  clientSupportsPreviewMetadata(): boolean;
  /** True once if an interrupt was requested since the last call (ComfyUI's flag is reset when thrown). */
  takeInterrupt(): boolean;
  setLastNode(nodeId: string | null): void;
  sleep(ms: number): Promise<void>;
  nodeDelayMs(classType: string): number;
  stepDelayMs: number;
  now(): number;
}

export interface HistoryResult {
  status: { status_str: "success" | "error"; completed: boolean; messages: [string, Record<string, unknown>][] };
  outputs: Record<string, Record<string, unknown[]>>;
  meta: Record<string, Record<string, unknown>>;
}

interface UiEntry {
  meta: { node_id: string; display_node: string; parent_node: null; real_node_id: string };
  output: Record<string, unknown[]>;
}

interface CacheEntry {
  outputs: unknown[];
  ui: UiEntry | null;
}

class InterruptProcessing extends Error {}

const isLink = (v: unknown): v is [string, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "number";

/** ComfyUI's ExecutionList: which node runs next (output nodes first, then what feeds them, so previews show early). */
class ExecutionList {
  private pending = new Map<string, true>();
  private blockCount = new Map<string, number>();
  private blocking = new Map<string, Map<string, true>>();
  private staged: string | null = null;

  constructor(
    private prompt: RawPrompt,
    private isOutput: (id: string) => boolean,
    private isCached: (id: string) => boolean,
  ) {}

  addNode(id: string): void {
    const stack = [id];
    const links: [string, string][] = [];
    while (stack.length > 0) {
      const uid = stack.pop()!;
      if (this.pending.has(uid)) continue;
      this.pending.set(uid, true);
      this.blockCount.set(uid, 0);
      this.blocking.set(uid, new Map());
      for (const value of Object.values(this.prompt[uid]?.inputs ?? {})) {
        if (!isLink(value)) continue;
        if (!this.isCached(value[0])) stack.push(value[0]);
        links.push([value[0], uid]);
      }
    }
    for (const [from, to] of links) {
      if (this.isCached(from)) continue;
      this.addNode(from);
      const blocked = this.blocking.get(from)!;
      if (!blocked.has(to)) {
        blocked.set(to, true);
        this.blockCount.set(to, this.blockCount.get(to)! + 1);
      }
    }
  }

  isEmpty(): boolean {
    return this.pending.size === 0;
  }

  stage(): string | null {
    if (this.staged !== null) return this.staged;
    const ready = [...this.pending.keys()].filter((id) => this.blockCount.get(id) === 0);
    if (ready.length === 0) return null;
    const blocks = (id: string) => [...this.blocking.get(id)!.keys()];
    this.staged =
      ready.find((id) => this.isOutput(id)) ??
      ready.find((id) => blocks(id).some((b) => this.isOutput(b))) ??
      ready.find((id) => blocks(id).some((b) => blocks(b).some((c) => this.isOutput(c)))) ??
      ready[0]!;
    return this.staged;
  }

  complete(): void {
    const id = this.staged!;
    this.pending.delete(id);
    for (const blocked of this.blocking.get(id)!.keys()) this.blockCount.set(blocked, this.blockCount.get(blocked)! - 1);
    this.blocking.delete(id);
    this.staged = null;
  }
}

/**
 * Per-prompt node progress; every change sends the state of all nodes touched
 * so far (ComfyUI's progress_state). That is quadratic traffic by design; each
 * node's JSON is kept serialised so a message costs one string join.
 */
class ProgressRegistry {
  private nodes = new Map<string, { state: string; value: number | PyFloat; max: number | PyFloat }>();
  private serialised = new Map<string, string>();

  constructor(
    private promptId: string,
    private io: ExecIO,
  ) {}

  private ensure(id: string) {
    let entry = this.nodes.get(id);
    if (!entry) {
      entry = { state: "pending", value: 0, max: 1 };
      this.nodes.set(id, entry);
    }
    return entry;
  }

  private send(changed: string): void {
    const e = this.nodes.get(changed)!;
    const body = { value: e.value, max: e.max, state: e.state, node_id: changed, prompt_id: this.promptId, display_node_id: changed, parent_node_id: null, real_node_id: changed };
    this.serialised.set(changed, `${pythonJson(changed)}: ${pythonJson(body)}`);
    this.io.sendJson("progress_state", `{"prompt_id": ${pythonJson(this.promptId)}, "nodes": {${[...this.serialised.values()].join(", ")}}}`, "clientOrAll");
  }

  start(id: string): void {
    Object.assign(this.ensure(id), { state: "running", value: new PyFloat(0), max: new PyFloat(1) });
    this.send(id);
  }

  update(id: string, value: number, max: number): void {
    Object.assign(this.ensure(id), { state: "running", value, max });
    this.send(id);
  }

  finish(id: string): void {
    const entry = this.ensure(id);
    Object.assign(entry, { state: "finished", value: entry.max });
    this.send(id);
  }
}

/** ComfyUI's format_value for current_inputs: primitives as they are, anything else as a string. */
function formatValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (["string", "number", "boolean"].includes(typeof v)) return v;
  if (Array.isArray(v) && v.every((i) => i && typeof i === "object" && "width" in i && "data" in i)) {
    const first = v[0] as { width: number; height: number } | undefined;
    return `tensor of shape [${v.length}, ${first?.height ?? 0}, ${first?.width ?? 0}, 3]`;
  }
  try {
    return pythonJson(v);
  } catch {
    return String(v);
  }
}

export interface ExecutorOptions {
  catalogue: () => NodeCatalogue;
  behaviours: Record<string, NodeBehaviour>;
  env: SimEnv;
}

export class PromptExecutor {
  private cache = new Map<string, CacheEntry>();
  private objects = new Map<string, Record<string, unknown>>();

  constructor(private options: ExecutorOptions) {}

  /** Forgets every cached output (POST /free with unload_models does not, but tests may want a cold start). */
  clearCache(): void {
    this.cache.clear();
  }

  private computeKeys(prompt: RawPrompt): Map<string, string> {
    const keys = new Map<string, string>();
    const visiting = new Set<string>();
    const keyOf = (id: string): string => {
      const known = keys.get(id);
      if (known) return known;
      const node = prompt[id];
      if (!node || visiting.has(id)) return `unresolvable:${id}`;
      visiting.add(id);
      const behaviour = this.options.behaviours[node.class_type];
      const inputs = Object.keys(node.inputs ?? {})
        .sort()
        .map((name) => {
          const v = node.inputs[name];
          return isLink(v) ? [name, "LINK", keyOf(v[0]), v[1]] : [name, v];
        });
      const changed = behaviour?.isChanged ? behaviour.isChanged(node.inputs, this.options.env) : "";
      const key = createHash("sha1").update(JSON.stringify([node.class_type, changed, inputs])).digest("hex");
      visiting.delete(id);
      keys.set(id, key);
      return key;
    };
    for (const id of Object.keys(prompt)) keyOf(id);
    return keys;
  }

  async run(item: QueueEntry, io: ExecIO): Promise<HistoryResult> {
    const { promptId, prompt, extraData } = item;
    const clientId = typeof extraData.client_id === "string" ? extraData.client_id : null;
    const catalogue = this.options.catalogue();
    const messages: [string, Record<string, unknown>][] = [];
    const addMessage = (event: string, data: Record<string, unknown>, broadcast = false) => {
      const withTime = { ...data, timestamp: io.now() };
      messages.push([event, withTime]);
      if (clientId !== null || broadcast) io.send(event, withTime, broadcast ? "clientOrAll" : "ifClient");
    };
    const sendIfClient = (type: string, data: Record<string, unknown>) => {
      if (clientId !== null) io.send(type, data, "ifClient");
    };

    io.takeInterrupt();
    addMessage("execution_start", { prompt_id: promptId });

    const keys = this.computeKeys(prompt);
    const used = new Set(keys.values());
    for (const key of [...this.cache.keys()]) if (!used.has(key)) this.cache.delete(key);
    const objectKeys = new Set(Object.entries(prompt).map(([id, n]) => `${id}:${n.class_type}`));
    for (const key of [...this.objects.keys()]) if (!objectKeys.has(key)) this.objects.delete(key);
    const cachedEntry = (id: string) => this.cache.get(keys.get(id)!);

    addMessage("execution_cached", { nodes: Object.keys(prompt).filter((id) => cachedEntry(id)), prompt_id: promptId });

    const progress = new ProgressRegistry(promptId, io);
    const isOutput = (id: string) => catalogue[prompt[id]!.class_type]?.output_node === true;
    const list = new ExecutionList(prompt, isOutput, (id) => cachedEntry(id) !== undefined);
    for (const o of item.outputs) list.addNode(o);

    const executed = new Set<string>();
    const ui = new Map<string, UiEntry>();
    const runOutputs = new Map<string, unknown[]>();
    let failed = false;
    let cachedStreak = 0;

    while (!list.isEmpty()) {
      const id = list.stage();
      if (id === null) {
        failed = true;
        addMessage("execution_error", {
          prompt_id: promptId,
          node_id: "",
          node_type: "",
          executed: [...executed],
          exception_message: "Dependency cycle detected",
          exception_type: "graph.DependencyCycleError",
          traceback: [],
          current_inputs: [],
          current_outputs: Object.keys(prompt),
        });
        break;
      }
      const node = prompt[id]!;
      const cached = cachedEntry(id);
      if (cached) {
        sendIfClient("executed", { node: id, display_node: id, output: cached.ui?.output ?? null, prompt_id: promptId });
        if (cached.ui && clientId !== null) ui.set(id, cached.ui);
        progress.finish(id);
        runOutputs.set(id, cached.outputs);
        list.complete();
        // Long cached stretches must not starve HTTP (an /interrupt, a /queue).
        if (++cachedStreak % 25 === 0) await io.sleep(0);
        continue;
      }

      progress.start(id);
      const definition = catalogue[node.class_type]!;
      const inputs: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(node.inputs)) {
        inputs[name] = isLink(value) ? (runOutputs.get(value[0]) ?? cachedEntry(value[0])?.outputs ?? [])[value[1]] : value;
      }
      if (clientId !== null) {
        io.setLastNode(id);
        sendIfClient("executing", { node: id, display_node: id, prompt_id: promptId });
      }

      const objectKey = `${id}:${node.class_type}`;
      if (!this.objects.has(objectKey)) this.objects.set(objectKey, {});
      const ctx: NodeContext = {
        ...this.options.env,
        nodeId: id,
        classType: node.class_type,
        promptId,
        prompt,
        extraData,
        definition,
        inputs,
        stepDelayMs: io.stepDelayMs,
        state: this.objects.get(objectKey)!,
        progress: (value, max, preview) => {
          progress.update(id, value, max);
          const metadata = io.clientSupportsPreviewMetadata();
          if (preview && metadata) {
            const meta = { node_id: id, prompt_id: promptId, display_node_id: id, parent_node_id: null, real_node_id: id, image_type: "image/png" };
            io.sendBinary(encodeBinaryFrame({ type: "preview_image_with_metadata", metadata: meta, image: preview }, { encodeJson: pythonJson }), "clientOrAll");
          }
          io.send("progress", { value, max, prompt_id: promptId, node: id }, "clientOrAll");
          if (preview && !metadata) io.sendBinary(encodeBinaryFrame({ type: "preview_image", format: "png", formatCode: 2, image: preview }), "clientOrAll");
        },
        sendText: (text) => io.sendBinary(encodeBinaryFrame({ type: "text", nodeId: id, text }), "clientOrAll"),
        checkInterrupt: () => {
          if (io.takeInterrupt()) throw new InterruptProcessing();
        },
        sleep: (ms) => io.sleep(ms),
      };

      let outputs: unknown[];
      let nodeUi: Record<string, unknown[]>;
      try {
        ctx.checkInterrupt();
        await io.sleep(io.nodeDelayMs(node.class_type));
        const behaviour = this.options.behaviours[node.class_type];
        const result = behaviour ? await behaviour.execute(ctx) : { outputs: placeholderOutputs(definition, id) };
        outputs = result.outputs ?? [];
        nodeUi = result.ui ?? {};
      } catch (error) {
        failed = true;
        if (error instanceof InterruptProcessing) {
          addMessage("execution_interrupted", { prompt_id: promptId, node_id: id, node_type: node.class_type, executed: [...executed] }, true);
        } else {
          const pyType = error instanceof NodeExecutionError ? error.pyType : (error as Error).name || "Exception";
          const message = error instanceof Error ? error.message : String(error);
          addMessage("execution_error", {
            prompt_id: promptId,
            node_id: id,
            node_type: node.class_type,
            executed: [...executed],
            exception_message: `${message}\n`,
            exception_type: pyType,
            traceback: [`  File "atelier-simulator/nodes.ts", in ${node.class_type}.execute\n`],
            current_inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, [formatValue(v)]])),
            current_outputs: Object.keys(prompt),
          });
        }
        break;
      }

      let entryUi: UiEntry | null = null;
      if (Object.keys(nodeUi).length > 0) {
        entryUi = { meta: { node_id: id, display_node: id, parent_node: null, real_node_id: id }, output: nodeUi };
        ui.set(id, entryUi);
        sendIfClient("executed", { node: id, display_node: id, output: nodeUi, prompt_id: promptId });
      }
      this.cache.set(keys.get(id)!, { outputs, ui: entryUi });
      runOutputs.set(id, outputs);
      progress.finish(id);
      executed.add(id);
      list.complete();
    }

    if (!failed) addMessage("execution_success", { prompt_id: promptId });
    io.setLastNode(null);
    const outputs: HistoryResult["outputs"] = {};
    const meta: HistoryResult["meta"] = {};
    for (const [id, entry] of ui) {
      outputs[id] = entry.output;
      meta[id] = entry.meta;
    }
    return { status: { status_str: failed ? "error" : "success", completed: !failed, messages }, outputs, meta };
  }
}
