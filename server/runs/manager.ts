import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileToPrompt, type CompileIssue } from "@/lib/compile";
import { validateDocument, type NodeCatalogue, type WorkflowDocument } from "@/lib/graph";
import {
  isTerminalRunStatus,
  makeNodeRunState,
  mediaKindOf,
  type NodeRunState,
  type RunIssue,
  type RunStatus,
  type RunStreamEvent,
  type RunView,
} from "@/lib/runs";
import { findMissingNodeTypes } from "@/lib/runs/requirements";
import type { ApiPrompt, ComfyClient, ComfyServerInfo, ComfyServers, ExecutionErrorData, FileRef, HistoryEntry, NodeOutput, RunEvent, RunResult } from "@/server/comfyui";
import { AppError, assertNever, isAppError } from "@/server/errors";
import type { WorkflowRepository } from "@/server/store/workflows";
import { outputUrl, type RunRepository, type StoredOutput } from "./store";

/**
 * The run manager: compile → passes → POST /prompt → follow the websocket →
 * record. It keeps one live object per run in flight, fans its events out to
 * subscribers (only nodes whose state changed), writes the record at every
 * transition and downloads each output as soon as ComfyUI reports it, so an
 * output survives whatever happens to the run afterwards.
 */

/** What a prompt pass sees and returns. The VRAM passes (a later issue) plug in here. */
export interface PromptPassContext {
  document: WorkflowDocument;
  catalogue: NodeCatalogue;
}
export type PromptPass = (prompt: ApiPrompt, context: PromptPassContext) => { prompt: ApiPrompt; notes: string[] };

/** No pass yet: the extension point for optimization passes applied to every run. */
export const DEFAULT_PROMPT_PASSES: readonly PromptPass[] = [];

export type StartRunInput = {
  workflowId?: string;
  /** An exact version; without it (and without a document) the workflow's head runs. */
  versionId?: number;
  /** A draft: stored by hash and recorded as unsaved. */
  document?: WorkflowDocument;
  rerunOf?: string;
  /** A configured ComfyUI server; without it the default one. */
  serverUrl?: string;
  /** Instead of serverUrl: the configured server that fits best (see pickServer). */
  anyServer?: boolean;
};

export interface RunManagerDeps {
  runs: RunRepository;
  workflows: WorkflowRepository;
  /** Every ComfyUI server; a run goes to a configured one and stays with it (its record names it). */
  servers: ComfyServers;
  dataDir: string;
  now?: () => number;
  newId?: () => string;
  passes?: readonly PromptPass[];
  /** How often queue positions are refreshed while a run waits. */
  queuePollMs?: number;
  /** How long `queue()` and picking a server for a run wait for each server before naming it as not answering; default 3 s. */
  queueAnswerMs?: number;
  /** The smallest VRAM (GB) the template a workflow was made from declares, if any: a run picking its server needs that much. */
  minVramGbOf?: (workflowId: string) => number | null;
  /**
   * After a restart, how long a run left in flight waits for ComfyUI to answer
   * again before it is marked unknown; default the client's whole-run timeout.
   */
  recoveryTimeoutMs?: number;
  /** Delays between attempts to reach ComfyUI while recovering (doubling from initialMs up to maxMs); default 1 s to 15 s. */
  recoveryBackoff?: { initialMs?: number; maxMs?: number };
  /** While a recovered run is still queued or running on ComfyUI, how often its history is checked; default 1 s. */
  recoveryPollMs?: number;
}

type Listener = (event: RunStreamEvent) => void;

/** One server's ComfyUI queue as the queue view shows it (prompt ids in order), or why it could not be asked. */
export type ServerQueue = { url: string; name: string | null; isDefault: boolean; comfy: { running: string[]; pending: string[] } | null; problem: string | null };

interface LiveRun {
  view: RunView;
  /** The client of the server the run was sent to (`view.serverUrl`). */
  comfy: ComfyClient;
  prompt: ApiPrompt;
  listeners: Set<Listener>;
  follow: AbortController;
  cancelRequested: boolean;
  downloads: Promise<void>[];
  seenFiles: Set<string>;
  nextIndex: number;
  executing: string | null;
  /** Resolves when the run has left "pending". */
  accepted: Promise<void>;
  resolveAccepted: () => void;
  ended: Promise<void>;
}

/** The files a node output names (images, gifs, videos, audio: anything with a filename). */
export function fileRefsOf(output: NodeOutput | null | undefined): FileRef[] {
  const refs: FileRef[] = [];
  for (const value of Object.values(output ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (item && typeof item === "object" && typeof (item as FileRef).filename === "string") {
        const ref = item as FileRef;
        refs.push({ filename: ref.filename, subfolder: typeof ref.subfolder === "string" ? ref.subfolder : "", type: typeof ref.type === "string" ? ref.type : "output" });
      }
    }
  }
  return refs;
}

const safeName = (name: string) => name.replace(/[^\w.-]+/g, "_").slice(-120) || "file";

function issueFromCompile(issue: CompileIssue, nodeTypes: Record<string, string>): RunIssue {
  return { nodeId: issue.nodeId, classType: nodeTypes[issue.nodeId] ?? null, inputName: issue.input ?? null, type: issue.code, message: issue.message };
}

const formatWait = (ms: number) => (ms < 1_000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`);

/** How long a run just queued waits for its queue position, so that runs queued together share one /queue request. */
const QUEUE_REFRESH_COALESCE_MS = 50;

/** `promise`, or a rejection with `message` once `ms` have passed: how long a caller waits, whatever the request's own timeouts. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function createRunManager(deps: RunManagerDeps) {
  const { runs, workflows, servers } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const passes = deps.passes ?? DEFAULT_PROMPT_PASSES;
  const live = new Map<string, LiveRun>();
  const starting = new Map<string, number>();
  let queueTimer: NodeJS.Timeout | null = null;
  let refreshSoon: NodeJS.Timeout | null = null;
  let closed = false;
  const sleepers = new Set<() => void>();

  function emit(run: LiveRun, event: RunStreamEvent): void {
    for (const listener of [...run.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not stop the run.
      }
    }
  }

  function setStatus(run: LiveRun, status: RunStatus, patch: Partial<RunView> = {}): void {
    Object.assign(run.view, patch, { status });
    runs.update(run.view);
    emit(run, { type: "status", status, queuePosition: run.view.queuePosition, promptId: run.view.promptId, at: now() });
    if (status !== "pending") run.resolveAccepted();
  }

  /** Changes one node; persists only when its state kind changed (not on every sampler step). */
  function setNode(run: LiveRun, nodeId: string, patch: Partial<NodeRunState>): void {
    const before = run.view.nodes[nodeId] ?? makeNodeRunState();
    const after = { ...before, ...patch };
    if (after.state === "running" && after.startedAt === null) after.startedAt = now();
    if ((after.state === "done" || after.state === "error" || after.state === "interrupted") && after.finishedAt === null) after.finishedAt = now();
    if (before.state === after.state && before.value === after.value && before.max === after.max && before.message === after.message) return;
    run.view.nodes = { ...run.view.nodes, [nodeId]: after };
    if (before.state !== after.state) runs.update(run.view);
    emit(run, { type: "node", nodeId, node: after });
  }

  function downloadOutputs(run: LiveRun, nodeId: string, output: NodeOutput | null | undefined): void {
    const comfy = run.comfy;
    for (const ref of fileRefsOf(output)) {
      const key = `${ref.type}/${ref.subfolder}/${ref.filename}`;
      if (run.seenFiles.has(key)) continue;
      run.seenFiles.add(key);
      const index = run.nextIndex++;
      run.downloads.push(
        (async () => {
          const base: StoredOutput = { index, nodeId, filename: ref.filename, subfolder: ref.subfolder, type: ref.type, media: mediaKindOf(ref.filename), url: null, bytes: null, problem: null, localPath: null, contentType: null };
          let stored = base;
          try {
            const media = base.media === "video" ? "video" : "image";
            const file = await comfy.view(ref, { media });
            const relative = join("outputs", run.view.id, `${index}-${safeName(ref.filename)}`);
            mkdirSync(join(deps.dataDir, "outputs", run.view.id), { recursive: true });
            writeFileSync(join(deps.dataDir, relative), file.data);
            stored = { ...base, url: outputUrl(run.view.id, index), bytes: file.data.length, localPath: relative, contentType: file.contentType };
          } catch (error) {
            stored = { ...base, problem: `Could not download ${ref.filename} from ComfyUI at ${comfy.baseUrl}: ${(error as Error).message}` };
          }
          runs.addOutput(run.view.id, stored, now());
          const { localPath: _l, contentType: _c, ...output } = stored;
          run.view.outputs = [...run.view.outputs, output].sort((a, b) => a.index - b.index);
          emit(run, { type: "output", output });
        })(),
      );
    }
  }

  function markRunningNodes(run: LiveRun, state: NodeRunState["state"], except?: string): void {
    for (const [id, node] of Object.entries(run.view.nodes)) if (node.state === "running" && id !== except) setNode(run, id, { state });
  }

  function onEvent(run: LiveRun, event: RunEvent): void {
    switch (event.type) {
      case "queued":
        setStatus(run, "queued", {
          promptId: event.promptId,
          queuedAt: now(),
          // ComfyUI queued the prompt but dropped the outputs it found invalid (HTTP 200 with node_errors).
          detail: event.issues.length > 0 ? `ComfyUI left out some outputs: ${event.issues.map((i) => i.message).join("; ")}` : null,
        });
        if (run.cancelRequested) void cancel(run.view.id);
        else refreshQueuePositionsSoon();
        break;
      case "started":
        if (run.view.status !== "running") setStatus(run, "running", { startedAt: now(), queuePosition: null });
        break;
      case "cached":
        run.view.cachedNodes = event.nodes;
        for (const id of event.nodes) setNode(run, id, { state: "cached" });
        break;
      case "node": {
        const c = event.change;
        const id = c.nodeId;
        if (c.state === "running") setNode(run, id, { state: "running", value: c.value, max: c.max });
        else if (c.state === "finished") setNode(run, id, { state: "done", value: c.value, max: c.max });
        else if (c.state === "error") setNode(run, id, { state: "error" });
        break;
      }
      case "executing":
        if (run.view.status !== "running") setStatus(run, "running", { startedAt: run.view.startedAt ?? now(), queuePosition: null });
        // ComfyUI runs one node at a time: the node that was running has finished.
        markRunningNodes(run, "done", event.nodeId);
        run.executing = event.nodeId;
        setNode(run, event.nodeId, { state: "running" });
        break;
      case "progress":
        setNode(run, event.nodeId, { state: "running", value: event.value, max: event.max });
        break;
      case "executed":
        setNode(run, event.nodeId, { state: "done" });
        downloadOutputs(run, event.nodeId, event.output);
        break;
      case "preview":
        if (run.listeners.size > 0) emit(run, { type: "preview", nodeId: event.nodeId, mime: event.mime, dataBase64: Buffer.from(event.image).toString("base64") });
        break;
      case "text":
        break;
      case "connection":
        if (event.state === "lost") run.view.detail = `Connection to ComfyUI at ${run.comfy.baseUrl} lost (${event.detail}); reconnecting.`;
        else if (run.view.detail?.startsWith("Connection to ComfyUI")) run.view.detail = null;
        emit(run, { type: "status", status: run.view.status, queuePosition: run.view.queuePosition, promptId: run.view.promptId, detail: run.view.detail, at: now() });
        break;
      default:
        assertNever(event, "run event");
    }
  }

  function applyError(run: LiveRun, error: ExecutionErrorData | null): void {
    if (!error) return;
    run.view.error = { nodeId: error.node_id, nodeType: error.node_type, exceptionType: error.exception_type, message: error.exception_message, traceback: error.traceback };
    setNode(run, error.node_id, { state: "error", message: error.exception_message, exceptionType: error.exception_type, traceback: error.traceback });
  }

  async function finish(run: LiveRun, status: RunStatus, patch: Partial<RunView> = {}): Promise<void> {
    // Outputs first: a run is only over once every file it produced is on our disk.
    while (run.downloads.length > 0) await Promise.all(run.downloads.splice(0));
    // Shut down meanwhile: nothing more can be written; the next start reconciles the run from ComfyUI's history.
    if (closed) return;
    if (status === "success") markRunningNodes(run, "done");
    if (status === "interrupted" || status === "cancelled") markRunningNodes(run, "interrupted");
    Object.assign(run.view, patch, { status, queuePosition: null, finishedAt: now() });
    runs.update(run.view);
    run.resolveAccepted();
    emit(run, { type: "end", run: structuredClone(run.view) });
    live.delete(run.view.id);
    // The runs still waiting move up: the queue timer (running while any run waits) tells them within a second. Not
    // asked here: a queue of quick runs (cached re-runs end in milliseconds) would ask ComfyUI for its whole queue and
    // re-render every waiting run's page at every end, just as the next run starts streaming its progress.
  }

  async function finishFromResult(run: LiveRun, result: RunResult): Promise<void> {
    if (result.status === "rejected") {
      const issues: RunIssue[] = result.issues.map((i) => ({ nodeId: i.nodeId, classType: i.classType, inputName: i.inputName, type: i.type, message: i.message }));
      for (const issue of result.issues) setNode(run, issue.nodeId, { state: "error", message: issue.message });
      return finish(run, "rejected", { rejection: { message: result.summary, issues } });
    }
    for (const id of result.cachedNodes) if (run.view.nodes[id]?.state !== "cached") setNode(run, id, { state: "cached" });
    run.view.cachedNodes = result.cachedNodes;
    for (const [nodeId, output] of Object.entries(result.outputs)) downloadOutputs(run, nodeId, output);
    switch (result.status) {
      case "success":
        return finish(run, "success");
      case "error":
        applyError(run, result.error);
        return finish(run, "error");
      case "interrupted":
        return finish(run, "interrupted", { detail: run.cancelRequested ? "Cancelled while running." : null });
      case "lost":
        return finish(run, run.cancelRequested ? "cancelled" : "lost", { detail: run.cancelRequested ? "Removed from ComfyUI's queue before it started." : result.detail });
      default:
        assertNever(result, "run result");
    }
  }

  async function execute(run: LiveRun): Promise<void> {
    try {
      const result = await run.comfy.runPrompt(run.prompt, { onEvent: (e) => onEvent(run, e), signal: run.follow.signal, extraData: { extra_pnginfo: { atelier: { runId: run.view.id } } } });
      await finishFromResult(run, result);
    } catch (error) {
      // Shutting down: the database is closing; the next start reconciles this run from ComfyUI's history.
      if (closed) return;
      if (run.cancelRequested && run.view.promptId) return finish(run, "cancelled", { detail: "Removed from ComfyUI's queue before it started." });
      const message = isAppError(error) ? error.message : `Atelier failed while following the run: ${(error as Error).message}`;
      if (!run.view.promptId) return finish(run, "failed", { detail: message });
      return finish(run, "unknown", { detail: message });
    }
  }

  function resolveDocument(input: StartRunInput): { doc: WorkflowDocument; workflowId: string | null; versionId: number | null; unsaved: boolean; documentHash: string; graphHash: string } {
    if (input.document) {
      if (input.workflowId) workflows.getOrThrow(input.workflowId);
      const hashes = workflows.putDocument(input.document);
      return { doc: input.document, workflowId: input.workflowId ?? null, versionId: null, unsaved: true, ...hashes };
    }
    if (input.versionId !== undefined) {
      const { version, document } = workflows.getVersionOrThrow(input.versionId);
      if (input.workflowId && version.workflowId !== input.workflowId) {
        throw new AppError("BAD_INPUT", `Version ${input.versionId} belongs to workflow ${version.workflowId}, not ${input.workflowId}.`);
      }
      return { doc: document, workflowId: version.workflowId, versionId: version.id, unsaved: false, documentHash: version.documentHash, graphHash: version.graphHash };
    }
    if (!input.workflowId) throw new AppError("BAD_INPUT", "Say what to run: a workflowId (its head), a versionId, or a document.");
    const wf = workflows.getOrThrow(input.workflowId);
    return { doc: wf.document, workflowId: wf.id, versionId: wf.head.id, unsaved: false, documentHash: wf.head.documentHash, graphHash: wf.head.graphHash };
  }

  /** For problems of a workflow made from a template: the template version it was made from. */
  function madeFrom(workflowId: string | null): string | undefined {
    const template = workflowId ? workflows.templateOf(workflowId) : null;
    return template ? `this workflow, made from template "${template.id}" ${template.version}` : undefined;
  }

  function newLive(view: RunView, prompt: ApiPrompt): LiveRun {
    let resolveAccepted = () => undefined as void;
    const accepted = new Promise<void>((r) => (resolveAccepted = r));
    return { view, comfy: servers.client(view.serverUrl), prompt, listeners: new Set(), follow: new AbortController(), cancelRequested: false, downloads: [], seenFiles: new Set(), nextIndex: 0, executing: null, accepted, resolveAccepted, ended: Promise.resolve() };
  }

  /** Starts a run; resolves once ComfyUI accepted it (or refused it, or could not be reached), with the run as it is then. */
  /**
   * The configured server that fits a document best: it has every node type and every listed value (model files,
   * samplers…) the graph uses (nothing it would refuse), and as much VRAM as the template the workflow was made from
   * declares; among those, the one with the shortest queue (the default one first on a tie, then in list order).
   * Servers are judged together; after a short wait the choice is made among those judged so far, unless none of them
   * fits (a first /object_info of a big install can take longer, so then the others are waited for, each within its
   * own timeouts). Otherwise why each server does not fit.
   */
  async function pickServer(doc: WorkflowDocument, workflowId: string | null): Promise<{ comfy: ComfyClient } | { reasons: string[] }> {
    const minVramGb = workflowId ? (deps.minVramGbOf?.(workflowId) ?? null) : null;
    const waitMs = deps.queueAnswerMs ?? 3_000;
    type Judged = { url: string; load: number; order: number } | { url: string; reason: string };
    const judge = async (server: ComfyServerInfo, order: number): Promise<Judged> => {
      const comfy = servers.client(server.url);
      const quick = <T>(p: Promise<T>) => within(p, waitMs, `did not answer within ${formatWait(waitMs)}`);
      try {
        const [{ catalogue }, queue, stats] = await Promise.all([comfy.getNodeCatalogue(), quick(comfy.getQueue()), minVramGb ? quick(comfy.getSystemStats()) : null]);
        const missing = findMissingNodeTypes(doc, catalogue, server.url);
        if (missing.length > 0) return { url: server.url, reason: `has no node type ${missing.map((m) => `"${m.classType}"`).join(", ")}` };
        // What the server would refuse: values not in its lists (model files it does not have), missing inputs…
        const error = validateDocument(doc, catalogue).find((i) => i.severity === "error");
        if (error) return { url: server.url, reason: error.message };
        if (minVramGb && stats) {
          const vramGb = Math.max(0, ...stats.devices.map((d) => d.vram_total)) / 2 ** 30;
          if (vramGb < minVramGb) return { url: server.url, reason: `has ${vramGb.toFixed(1)} GB of VRAM; the template this workflow was made from needs ${minVramGb} GB` };
        }
        return { url: server.url, load: queue.queue_running.length + queue.queue_pending.length, order: server.isDefault ? -1 : order };
      } catch (error) {
        return { url: server.url, reason: (error as Error).message };
      }
    };
    const settled: Judged[] = [];
    const all = Promise.all(servers.list().map((server, order) => judge(server, order).then((j) => (settled.push(j), j))));
    const fittingOf = (judged: Judged[]) => judged.filter((j) => "load" in j).sort((a, b) => a.load - b.load || a.order - b.order);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    let fitting = fittingOf(settled);
    if (fitting.length === 0) fitting = fittingOf(await all);
    if (fitting.length === 0) return { reasons: (await all).map((j) => `${j.url} ${"reason" in j ? j.reason : ""}`) };
    // Still configured (the settings page may have removed it while the servers were asked).
    return { comfy: servers.resolve(fitting[0]!.url) };
  }

  async function start(input: StartRunInput): Promise<RunView> {
    if (input.anyServer && input.serverUrl) throw new AppError("BAD_INPUT", "Name a ComfyUI server (serverUrl) or ask for any that fits (anyServer), not both.");
    // Refused before anything is recorded when the server is not a configured one.
    let comfy = servers.resolve(input.serverUrl);
    const source = resolveDocument(input);
    let unfit: string[] | null = null;
    if (input.anyServer) {
      const picked = await pickServer(source.doc, source.workflowId);
      if ("comfy" in picked) comfy = picked.comfy;
      else unfit = picked.reasons;
    }
    const base: RunView = {
      id: newId(),
      workflowId: source.workflowId,
      versionId: source.versionId,
      documentHash: source.documentHash,
      graphHash: source.graphHash,
      unsaved: source.unsaved,
      rerunOf: input.rerunOf ?? null,
      serverUrl: comfy.baseUrl,
      promptId: null,
      status: "pending",
      queuePosition: null,
      createdAt: now(),
      queuedAt: null,
      startedAt: null,
      finishedAt: null,
      nodes: {},
      nodeTypes: {},
      cachedNodes: [],
      outputs: [],
      error: null,
      rejection: null,
      detail: null,
    };

    if (unfit) {
      const message = `No configured ComfyUI server can run this workflow: ${unfit.join("; ")}.`;
      const rejected: RunView = { ...base, status: "rejected", finishedAt: now(), rejection: { message, issues: [] } };
      runs.create(rejected, {});
      runs.update(rejected);
      return rejected;
    }

    let catalogue: NodeCatalogue;
    // Until its record exists (written without awaiting anything once the catalogue is here), the run is only here:
    // the settings page must not remove its server meanwhile (startingOn).
    starting.set(comfy.baseUrl, (starting.get(comfy.baseUrl) ?? 0) + 1);
    try {
      catalogue = (await comfy.getNodeCatalogue()).catalogue;
      // A node type the cached catalogue lacks may have come since (custom nodes installed, ComfyUI restarted): ask
      // ComfyUI again before refusing the run for it.
      if (findMissingNodeTypes(source.doc, catalogue, comfy.baseUrl).length > 0) catalogue = (await comfy.getNodeCatalogue({ refresh: true })).catalogue;
    } catch (error) {
      const detail = isAppError(error) ? error.message : `ComfyUI at ${comfy.baseUrl} failed: ${(error as Error).message}`;
      const failed: RunView = { ...base, status: "failed", finishedAt: now(), detail };
      runs.create(failed, {});
      runs.update(failed);
      return failed;
    } finally {
      const left = (starting.get(comfy.baseUrl) ?? 1) - 1;
      if (left > 0) starting.set(comfy.baseUrl, left);
      else starting.delete(comfy.baseUrl);
    }

    // Node types the server lacks, by name and with the node that needs them, before anything is sent.
    let missing = findMissingNodeTypes(source.doc, catalogue, comfy.baseUrl);
    if (missing.length > 0) missing = findMissingNodeTypes(source.doc, catalogue, comfy.baseUrl, madeFrom(source.workflowId));
    const compiled = compileToPrompt(source.doc, catalogue);
    // lib/compile types inputs as unknown; the values are JSON all the same.
    let prompt = compiled.prompt as unknown as ApiPrompt;
    for (const pass of passes) prompt = pass(prompt, { document: source.doc, catalogue }).prompt;
    const nodeTypes = Object.fromEntries(Object.entries(prompt).map(([id, n]) => [id, n.class_type]));
    const nodes = Object.fromEntries(Object.keys(prompt).map((id) => [id, makeNodeRunState()]));
    const view: RunView = { ...base, nodeTypes, nodes };
    const errors = compiled.issues.filter((i) => i.severity === "error" && !(missing.length > 0 && i.code === "unknown-node-type"));
    if (missing.length > 0 || errors.length > 0) {
      const issues = [...missing, ...errors.map((i) => issueFromCompile(i, nodeTypes))];
      const rejected: RunView = {
        ...view,
        status: "rejected",
        finishedAt: now(),
        rejection: { message: `Atelier did not send the prompt: ${issues.map((i) => i.message).join("; ")}`, issues },
      };
      runs.create(rejected, prompt);
      runs.update(rejected);
      return rejected;
    }

    runs.create(view, prompt);
    const run = newLive(view, prompt);
    live.set(view.id, run);
    run.ended = execute(run);
    await run.accepted;
    return structuredClone(run.view);
  }

  /** Queue positions shortly: the runs queued in one burst (ten pages clicking Run) share one question to ComfyUI. */
  function refreshQueuePositionsSoon(): void {
    if (refreshSoon || closed) return;
    refreshSoon = setTimeout(() => {
      refreshSoon = null;
      void refreshQueuePositions();
    }, QUEUE_REFRESH_COALESCE_MS);
  }

  async function refreshQueuePositions(): Promise<void> {
    const waiting = [...live.values()].filter((r) => r.view.status === "queued" && r.view.promptId);
    if (waiting.length === 0 || closed) {
      if (queueTimer) clearInterval(queueTimer);
      queueTimer = null;
      return;
    }
    queueTimer ??= setInterval(() => void refreshQueuePositions(), deps.queuePollMs ?? 1_000);
    // Each server has its own queue: one question a server, a silent server keeps its runs' positions as they were.
    const byServer = new Map<ComfyClient, LiveRun[]>();
    for (const run of waiting) byServer.set(run.comfy, [...(byServer.get(run.comfy) ?? []), run]);
    await Promise.all(
      [...byServer].map(async ([comfy, waitingHere]) => {
        try {
          const queue = await comfy.getQueue();
          const order = [...queue.queue_running, ...[...queue.queue_pending].sort((a, b) => a[0] - b[0])].map((item) => item[1]);
          for (const run of waitingHere) {
            const index = order.indexOf(run.view.promptId!);
            const position = index < 0 ? null : index;
            if (position !== run.view.queuePosition && run.view.status === "queued") {
              run.view.queuePosition = position;
              emit(run, { type: "status", status: "queued", queuePosition: position, promptId: run.view.promptId, at: now() });
            }
          }
        } catch {
          // Positions are a nicety; the run itself reconciles on its own.
        }
      }),
    );
  }

  async function cancel(runId: string): Promise<RunView> {
    const run = live.get(runId);
    if (!run) return runs.getOrThrow(runId);
    const comfy = run.comfy;
    run.cancelRequested = true;
    const promptId = run.view.promptId;
    if (run.view.status === "pending" || !promptId) return structuredClone(run.view);
    if (run.view.status === "running") {
      await comfy.interrupt(promptId);
      return structuredClone(run.view);
    }
    await comfy.deleteFromQueue([promptId]);
    const queue = await comfy.getQueue();
    if (queue.queue_running.some((item) => item[1] === promptId)) {
      await comfy.interrupt(promptId);
    } else if (!queue.queue_pending.some((item) => item[1] === promptId)) {
      // It will never run: stop following it (execute() records the cancel).
      const history = await comfy.getHistoryEntry(promptId).catch(() => null);
      if (!history) run.follow.abort(new Error("cancelled"));
    }
    return structuredClone(run.view);
  }

  function statusFromHistory(history: HistoryEntry): RunStatus {
    if (history.status?.status_str === "success") return "success";
    if (history.status?.messages.some(([t]) => t === "execution_interrupted")) return "interrupted";
    return "error";
  }

  /**
   * Sleeps `ms`, or less when the manager closes (a recovery loop must not hold the process) or the caller wakes it
   * through the function handed to `onWaker`.
   */
  function pause(ms: number, onWaker?: (wake: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      sleepers.add(wake);
      onWaker?.(wake);
    });
  }

  /** Changes a run's sentence (e.g. "waiting for ComfyUI") and tells its subscribers. */
  function setDetail(run: LiveRun, detail: string | null): void {
    if (run.view.detail === detail) return;
    run.view.detail = detail;
    runs.update(run.view);
    emit(run, { type: "status", status: run.view.status, queuePosition: run.view.queuePosition, promptId: run.view.promptId, detail, at: now() });
  }

  async function finishFromHistory(run: LiveRun, history: HistoryEntry): Promise<void> {
    for (const [nodeId, output] of Object.entries(history.outputs)) downloadOutputs(run, nodeId, output);
    const status = statusFromHistory(history);
    const cached = (history.status?.messages.find(([t]) => t === "execution_cached")?.[1] as { nodes?: string[] } | undefined)?.nodes ?? [];
    run.view.cachedNodes = cached;
    for (const id of cached) setNode(run, id, { state: "cached" });
    if (status === "error") applyError(run, (history.status?.messages.find(([t]) => t === "execution_error")?.[1] as ExecutionErrorData | undefined) ?? null);
    await finish(run, status, { detail: "Recovered from ComfyUI's history after Atelier restarted." });
  }

  /**
   * Follows one run left in flight by a previous process until ComfyUI says
   * how it ended. While ComfyUI does not answer (it may be restarting too) the
   * run stays in flight, saying it waits, and is asked again with backoff;
   * only after `recoveryTimeoutMs` without an answer, or when ComfyUI answers
   * and no longer knows the prompt, is it marked unknown. Outputs already
   * downloaded stay with the run whatever happens.
   */
  async function recoverRun(view: RunView): Promise<void> {
    const run = newLive(view, runs.getPromptOrThrow(view.id));
    // The server the run was sent to, even one removed from the settings since.
    const comfy = run.comfy;
    const stored = runs.listOutputs(view.id);
    run.nextIndex = stored.reduce((next, o) => Math.max(next, o.index + 1), 0);
    for (const o of stored) run.seenFiles.add(`${o.type}/${o.subfolder}/${o.filename}`);
    if (!view.promptId) return finish(run, "unknown", { detail: "Atelier stopped before ComfyUI accepted this run." });
    const promptId = view.promptId;
    live.set(view.id, run);
    const timeoutMs = deps.recoveryTimeoutMs ?? comfy.timeouts.generationMs;
    const giveUpAt = now() + timeoutMs;
    const backoff = { initialMs: 1_000, maxMs: 15_000, ...deps.recoveryBackoff };
    let failures = 0;
    let lastProblem = "";
    // Live progress again: the client id is the one the prompt was queued with (kept per server in SQLite), so ComfyUI
    // sends this process the prompt's messages once the websocket is up. Its end marker cuts the wait for /history short.
    let endHeard = false;
    let wakeEarly: (() => void) | null = null;
    // On connect ComfyUI names the node it is executing (for a prompt of this client id, not saying which): a node that
    // started while Atelier was down shows as running at once if /queue says this prompt is the one running.
    let runningHere = false;
    let replayedNode: string | null = null;
    const applyReplayed = () => {
      if (runningHere && replayedNode !== null) onEvent(run, { type: "executing", promptId, nodeId: replayedNode });
      replayedNode = null;
    };
    const stopWatching = comfy.watchPrompt(promptId, {
      onEvent: (event) => {
        // Newer than what ComfyUI named on connect.
        replayedNode = null;
        onEvent(run, event);
      },
      onEnd: () => {
        endHeard = true;
        wakeEarly?.();
      },
      onReplayedExecuting: (nodeId) => {
        replayedNode = nodeId;
        if (runningHere) applyReplayed();
      },
    });
    try {
      while (!closed) {
        let history: HistoryEntry | null;
        let place: "running" | "pending" | null = null;
        // While ComfyUI answers, keep the websocket up (a no-op when it is open); while it does not, the probes pace the attempts.
        if (failures === 0) comfy.connect().catch(() => undefined);
        try {
          // After failures the breaker may be keeping requests away for a while: ask directly whether ComfyUI is back.
          if (failures > 0) await comfy.probe();
          history = await comfy.getHistoryEntry(promptId);
          if (!history) {
            const queue = await comfy.getQueue();
            if (queue.queue_running.some((item) => item[1] === promptId)) place = "running";
            else if (queue.queue_pending.some((item) => item[1] === promptId)) place = "pending";
            // It may have finished between the two questions.
            else history = await comfy.getHistoryEntry(promptId);
          }
        } catch (error) {
          if (closed) return;
          lastProblem = isAppError(error) ? error.message : `ComfyUI at ${comfy.baseUrl} failed: ${(error as Error).message}`;
          failures++;
          if (now() >= giveUpAt) {
            return finish(run, "unknown", {
              detail: `Atelier restarted during this run and ComfyUI at ${comfy.baseUrl} did not answer for ${formatWait(timeoutMs)} (last error: ${lastProblem}); the result of prompt ${promptId} is unknown. Outputs saved before the restart are kept.`,
            });
          }
          setDetail(run, `Waiting for ComfyUI at ${comfy.baseUrl} to answer (Atelier restarted during this run; last error: ${lastProblem}). Atelier keeps asking for up to ${formatWait(timeoutMs)}, then marks the run unknown.`);
          await pause(Math.min(giveUpAt - now(), backoff.maxMs, backoff.initialMs * 2 ** (failures - 1)));
          continue;
        }
        failures = 0;
        if (history) return finishFromHistory(run, history);
        if (!place) {
          return finish(run, "unknown", { detail: `Atelier restarted during this run and ComfyUI at ${comfy.baseUrl} no longer knows prompt ${promptId}; its result is unknown.` });
        }
        if (now() >= giveUpAt) {
          return finish(run, "unknown", {
            detail: `Atelier restarted during this run and ComfyUI at ${comfy.baseUrl} still had prompt ${promptId} ${place === "running" ? "running" : "queued"} ${formatWait(timeoutMs)} later; Atelier stopped following it, its result is unknown.`,
          });
        }
        if (place === "running" && run.view.status !== "running") setStatus(run, "running", { startedAt: run.view.startedAt ?? now(), queuePosition: null });
        runningHere = place === "running";
        applyReplayed();
        setDetail(run, `Atelier restarted during this run; ComfyUI at ${comfy.baseUrl} still has it ${place === "running" ? "running" : "queued"}, and Atelier follows it again until it ends.`);
        // The websocket brings progress; /history, asked again shortly (at once after the end marker), brings the end.
        if (endHeard) endHeard = false;
        else await pause(deps.recoveryPollMs ?? 1_000, (wake) => (wakeEarly = wake));
        wakeEarly = null;
      }
    } finally {
      stopWatching();
    }
  }

  /** Brings runs that were in flight when Atelier stopped to an end, each on its own (one unreachable server must not hold the others). */
  async function recoverInFlight(): Promise<void> {
    await Promise.all(runs.listInFlight().map((view) => recoverRun(view)));
  }

  return {
    start,
    cancel,
    recoverInFlight,

    /** How many runs on `serverUrl` are being started and not recorded yet (their server's catalogue is being fetched). */
    startingOn: (serverUrl: string): number => starting.get(serverUrl) ?? 0,

    /** Before a run: what the server it will go to (a configured one, else the default) lacks, or why it cannot be asked. */
    async check(doc: WorkflowDocument, options: { serverUrl?: string } = {}): Promise<{ serverUrl: string; reachable: boolean; problem: string | null; missing: RunIssue[] }> {
      const comfy = servers.resolve(options.serverUrl);
      try {
        const { catalogue } = await comfy.getNodeCatalogue();
        return { serverUrl: comfy.baseUrl, reachable: true, problem: null, missing: findMissingNodeTypes(doc, catalogue, comfy.baseUrl) };
      } catch (error) {
        return { serverUrl: comfy.baseUrl, reachable: false, problem: (error as Error).message, missing: [] };
      }
    },

    /** Runs the exact snapshot of a run again: on `serverUrl`, else on the run's server while it is configured, else on the default one. */
    async rerun(runId: string, options: { serverUrl?: string } = {}): Promise<RunView> {
      const previous = runs.getOrThrow(runId);
      const serverUrl = options.serverUrl ?? (servers.isConfigured(previous.serverUrl) ? previous.serverUrl : undefined);
      if (previous.versionId !== null) return start({ versionId: previous.versionId, rerunOf: runId, serverUrl });
      return start({ workflowId: previous.workflowId ?? undefined, document: workflows.getDocumentOrThrow(previous.documentHash), rerunOf: runId, serverUrl });
    },

    get(runId: string): RunView {
      const run = live.get(runId);
      return run ? structuredClone(run.view) : runs.getOrThrow(runId);
    },

    /**
     * Runs in flight (ours) and the queue of every configured server (and of any other server a run in flight is on),
     * which may hold prompts from other clients; a server that does not answer has its problem instead.
     */
    async queue(): Promise<{ runs: RunView[]; servers: ServerQueue[] }> {
      const ours = [...live.values()].map((r) => structuredClone(r.view));
      const listed = servers.list().map((s) => ({ url: s.url, name: s.name, isDefault: s.isDefault }));
      for (const run of ours) if (!listed.some((s) => s.url === run.serverUrl)) listed.push({ url: run.serverUrl, name: null, isDefault: false });
      const waitMs = deps.queueAnswerMs ?? 3_000;
      const queues = await Promise.all(
        listed.map(async (server): Promise<ServerQueue> => {
          try {
            // One silent server (a host that never answers takes the whole connect or read timeout, retried) must not
            // hold up the queue of the others: past a short wait it gets its problem line and the view moves on.
            const q = await within(servers.client(server.url).getQueue(), waitMs, `ComfyUI at ${server.url} did not tell its queue within ${formatWait(waitMs)}; is it running and reachable?`);
            return { ...server, comfy: { running: q.queue_running.map((i) => i[1]), pending: [...q.queue_pending].sort((a, b) => a[0] - b[0]).map((i) => i[1]) }, problem: null };
          } catch (error) {
            return { ...server, comfy: null, problem: (error as Error).message };
          }
        }),
      );
      return { runs: ours, servers: queues };
    },

    /** Subscribes to a run: the listener gets changes; the returned snapshot is the state they start from. */
    subscribe(runId: string, listener: Listener): { snapshot: RunView; unsubscribe: () => void } {
      const run = live.get(runId);
      if (!run) return { snapshot: runs.getOrThrow(runId), unsubscribe: () => undefined };
      run.listeners.add(listener);
      return { snapshot: structuredClone(run.view), unsubscribe: () => run.listeners.delete(listener) };
    },

    /** The run's stream: a snapshot, then live changes, ending after "end" (or at once for a finished run). */
    async *stream(runId: string, signal?: AbortSignal): AsyncGenerator<RunStreamEvent> {
      const pending: RunStreamEvent[] = [];
      let wake: (() => void) | null = null;
      const { snapshot, unsubscribe } = this.subscribe(runId, (event) => {
        pending.push(event);
        wake?.();
      });
      // One abort listener for the whole stream (one per wait would pile up over a long run).
      const onAbort = () => wake?.();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        yield { type: "snapshot", run: snapshot };
        if (isTerminalRunStatus(snapshot.status)) return;
        while (!signal?.aborted) {
          while (pending.length > 0) {
            const event = pending.shift()!;
            yield event;
            if (event.type === "end") return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
        unsubscribe();
      }
    },

    /** Waits for a run in flight to end (tests, the CLI). */
    async whenEnded(runId: string): Promise<RunView> {
      const run = live.get(runId);
      if (run) await run.ended;
      return runs.getOrThrow(runId);
    },

    close(): void {
      closed = true;
      if (queueTimer) clearInterval(queueTimer);
      if (refreshSoon) clearTimeout(refreshSoon);
      for (const run of live.values()) run.follow.abort(new Error("Atelier is shutting down"));
      for (const wake of [...sleepers]) wake();
    },
  };
}

export type RunManager = ReturnType<typeof createRunManager>;
