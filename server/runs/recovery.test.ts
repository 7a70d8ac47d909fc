import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import type { RunView } from "@/lib/runs";
import { CircuitBreaker, ComfyClient, ComfyServers, startSimulator, type Simulator } from "@/server/comfyui";
import { readEnv } from "@/server/env";
import { createServices, type Services } from "@/server/services";
import { openDatabase } from "@/server/store/db";
import { createWorkflowRepository } from "@/server/store/workflows";
import { createRunManager } from "./manager";
import { createRunRepository } from "./store";
import { createTestHarness } from "@/server/testing/harness";

const { defer } = createTestHarness();

/** A ComfyUI simulator and an empty data directory, both gone after the test. */
async function simulatorAndDataDir(): Promise<{ comfy: Simulator; dataDir: string }> {
  const comfy = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 10 });
  defer(() => comfy.close());
  const dataDir = mkdtempSync(join(tmpdir(), "atelier-recovery-"));
  defer(() => rmSync(dataDir, { recursive: true, force: true }));
  return { comfy, dataDir };
}

function services(dataDir: string, comfyuiUrl: string): Services {
  const read = readEnv({ ATELIER_DATA_DIR: dataDir, COMFYUI_URL: comfyuiUrl });
  if (!read.ok) throw new Error(read.problems.join("; "));
  const s = createServices(read.env, { templatesDir: null });
  defer(() => s.close());
  return s;
}

async function startLongRun(s: Services, options: { failInSaveImage?: boolean; waitForSteps?: boolean } = {}): Promise<string> {
  const doc = buildDocument(buildTxt2ImgGraph({ steps: 40, checkpoint: "sim-sd15.safetensors", seed: Math.floor(Math.random() * 1e9) }));
  // ComfyUI refuses to save outside its output folder: an execution error in node 9 after the sampler ran.
  if (options.failInSaveImage) doc.graph.nodes.find((n) => n.id === "9")!.widgets = { filename_prefix: "../../escape" };
  const run = await s.runManager.start({ document: doc });
  if (options.waitForSteps === false) return run.id;
  await new Promise<void>((resolve) => {
    const { unsubscribe } = s.runManager.subscribe(run.id, (e) => {
      if (e.type === "node" && e.nodeId === "3" && e.node.value >= 2) {
        unsubscribe();
        resolve();
      }
    });
  });
  return run.id;
}

describe("runs in flight when Atelier stops", () => {
  it("are finished from ComfyUI's history on the next start, outputs downloaded", async () => {
    const { comfy, dataDir } = await simulatorAndDataDir();

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    first.close();

    const second = services(dataDir, comfy.url);
    await second.runsRecovered;
    const run = second.runs.getOrThrow(runId);
    expect(run).toMatchObject({ status: "success", detail: "Recovered from ComfyUI's history after Atelier restarted." });
    expect(run.outputs).toHaveLength(1);
    expect(existsSync(join(dataDir, second.runs.getOutput(runId, 0)!.localPath!))).toBe(true);
  });

  it("are marked unknown when ComfyUI no longer knows them", async () => {
    const comfy = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 10 });
    const port = comfy.port;
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-recovery-"));
    defer(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    first.close();
    await comfy.close();
    const restarted: Simulator = await startSimulator({ port });
    defer(() => restarted.close());

    const second = services(dataDir, restarted.url);
    await second.runsRecovered;
    expect(second.runs.getOrThrow(runId)).toMatchObject({ status: "unknown", detail: expect.stringContaining(`ComfyUI at ${restarted.url} no longer knows prompt`) });
  });
});

describe("runs still executing on ComfyUI when Atelier restarts", () => {
  it("stream live node progress again from the same ComfyUI client id and end with their outputs", async () => {
    // 40 sampler steps of 25 ms: a second of sampling, most of it after the restart.
    const comfy = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 25 });
    defer(() => comfy.close());
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-recovery-"));
    defer(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    const stepsBefore = first.runManager.get(runId).nodes["3"]!.value;
    const firstClientId = first.comfy.default.clientId;
    first.close();

    const second = services(dataDir, comfy.url);
    expect(second.comfy.default.clientId).toBe(firstClientId);
    const steps: number[] = [];
    const states: string[] = [];
    second.runManager.subscribe(runId, (e) => {
      if (e.type !== "node") return;
      if (e.nodeId === "3" && e.node.state === "running") steps.push(e.node.value);
      states.push(`${e.nodeId}:${e.node.state}`);
    });
    await second.runsRecovered;

    // Live messages for the run reached the new process, step by step, where the first one stopped.
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.every((v) => v > stepsBefore)).toBe(true);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(40);
    // The nodes after the sampler were followed as they ran too, not only learnt from /history at the end.
    expect(states).toEqual(expect.arrayContaining(["3:done", "8:running", "8:done", "9:running", "9:done"]));

    const run = second.runs.getOrThrow(runId);
    expect(run).toMatchObject({ status: "success", detail: "Recovered from ComfyUI's history after Atelier restarted." });
    expect(run.nodes["3"]).toMatchObject({ state: "done", value: 40, max: 40 });
    expect(run.outputs).toHaveLength(1);
    expect(existsSync(join(dataDir, second.runs.getOutput(runId, 0)!.localPath!))).toBe(true);
  });
});

describe("a node that started while Atelier was down", () => {
  it("shows as running as soon as the restarted Atelier connects (ComfyUI names it on connect), not only when it ends", async () => {
    // The decode takes 1.5 s and reports no progress: it starts while no Atelier is listening.
    const comfy = await startSimulator({ nodeDelayMs: (type) => (type === "VAEDecode" ? 1_500 : 2), stepDelayMs: 10 });
    defer(() => comfy.close());
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-recovery-"));
    defer(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    first.close();
    // The 40 steps of 10 ms end meanwhile; the decode (node 8) starts with nobody listening.
    await new Promise((r) => setTimeout(r, 600));

    const restartedAt = Date.now();
    const second = services(dataDir, comfy.url);
    const seen: { what: string; at: number }[] = [];
    second.runManager.subscribe(runId, (e) => {
      if (e.type === "node") seen.push({ what: `${e.nodeId}:${e.node.state}`, at: Date.now() });
      if (e.type === "end") seen.push({ what: "end", at: Date.now() });
    });
    await second.runsRecovered;

    const at = (what: string) => seen.find((s) => s.what === what)?.at;
    expect(at("8:running")).toBeDefined();
    expect(at("8:running")! - restartedAt).toBeLessThan(500);
    expect(at("end")! - at("8:running")!).toBeGreaterThan(300);
    // The sampler, still "running" in the record from before the restart, is done once the decode is known to run.
    expect(seen.findIndex((s) => s.what === "3:done")).toBeLessThan(seen.findIndex((s) => s.what === "8:running"));
    expect(second.runs.getOrThrow(runId)).toMatchObject({ status: "success", nodes: { "3": { state: "done" }, "8": { state: "done" }, "9": { state: "done" } } });
  });
});

/**
 * A run manager on an existing data dir, as a restarted Atelier has it, with backoff short enough for a test. The
 * breaker's cool-down is a minute on purpose: recovery must notice a server that came back without waiting it out.
 */
function restartManager(dataDir: string, comfyuiUrl: string, options: { recoveryTimeoutMs: number }) {
  const db = openDatabase(dataDir);
  const runs = createRunRepository(db);
  const servers = new ComfyServers({
    configuration: { servers: [{ url: comfyuiUrl, name: null, source: "env" }], defaultUrl: comfyuiUrl },
    createClient: (o) => new ComfyClient({ ...o, breaker: new CircuitBreaker({ failureThreshold: 3, coolDownMs: 60_000 }), retry: { attempts: 1 } }),
  });
  const manager = createRunManager({ runs, workflows: createWorkflowRepository(db), servers, dataDir, recoveryTimeoutMs: options.recoveryTimeoutMs, recoveryBackoff: { initialMs: 20, maxMs: 100 }, recoveryPollMs: 20 });
  defer(() => {
    manager.close();
    servers.close();
    db.close();
  });
  return { runs, manager };
}

/** Resolves with the run once `accept` holds for the manager's live view of it. */
async function waitForRun(get: () => RunView, accept: (run: RunView) => boolean): Promise<RunView> {
  for (;;) {
    const run = get();
    if (accept(run)) return run;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("runs in flight when Atelier restarts while ComfyUI is down", () => {
  it("wait, saying so, and reconcile to their true ends with outputs once ComfyUI answers again", async () => {
    const { comfy, dataDir } = await simulatorAndDataDir();

    const first = services(dataDir, comfy.url);
    const succeeds = await startLongRun(first);
    const fails = await startLongRun(first, { failInSaveImage: true, waitForSteps: false });
    first.close();
    // A network outage: ComfyUI keeps executing its queue while nobody can reach it.
    await comfy.stop();

    const { runs, manager } = restartManager(dataDir, comfy.url, { recoveryTimeoutMs: 60_000 });
    const recovered = manager.recoverInFlight();
    for (const id of [succeeds, fails]) {
      const waiting = await waitForRun(() => manager.get(id), (r) => r.detail?.startsWith("Waiting for ComfyUI") ?? false);
      expect(waiting.status === "running" || waiting.status === "queued").toBe(true);
      expect(waiting.detail).toContain(`Waiting for ComfyUI at ${comfy.url} to answer`);
      // Recorded too: the runs page shows it.
      expect(runs.getOrThrow(id).detail).toBe(waiting.detail);
    }
    await comfy.whenIdle();
    await comfy.start();
    await recovered;

    const success = runs.getOrThrow(succeeds);
    expect(success).toMatchObject({ status: "success", detail: "Recovered from ComfyUI's history after Atelier restarted." });
    expect(success.outputs).toHaveLength(1);
    expect(existsSync(join(dataDir, runs.getOutput(succeeds, 0)!.localPath!))).toBe(true);
    const failure = runs.getOrThrow(fails);
    expect(failure).toMatchObject({ status: "error", error: { nodeId: "9", nodeType: "SaveImage", exceptionType: "Exception" } });
    expect(failure.nodes["9"]).toMatchObject({ state: "error" });
  });

  it("are marked unknown, naming the URL, only after the bounded wait", async () => {
    const { comfy, dataDir } = await simulatorAndDataDir();

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    first.close();
    await comfy.stop();

    const { runs, manager } = restartManager(dataDir, comfy.url, { recoveryTimeoutMs: 300 });
    await manager.recoverInFlight();
    expect(runs.getOrThrow(runId)).toMatchObject({
      status: "unknown",
      detail: expect.stringMatching(new RegExp(`^Atelier restarted during this run and ComfyUI at ${comfy.url.replace(/[.]/g, "\\.")} did not answer for 300 ms \\(last error: .+\\); the result of prompt [0-9a-f-]+ is unknown\\. Outputs saved before the restart are kept\\.$`)),
    });
  });
});
