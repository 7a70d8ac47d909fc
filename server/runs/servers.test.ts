import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE, type WorkflowDocument } from "@/lib/graph";
import type { RunStreamEvent, RunView } from "@/lib/runs";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { readEnv } from "@/server/env";
import { createServices, type Services } from "@/server/services";
import { createTestHarness, freePort } from "@/server/testing/harness";

const { defer, sim, app, silentServer } = createTestHarness();


type Api = Awaited<ReturnType<typeof app>>["api"];

/** The run's end, from its subscription. */
function ended(api: Api, runId: string): Promise<RunView> {
  return new Promise((resolve, reject) => {
    const sub = api.run.onEvents.subscribe(
      { runId },
      {
        onData: (e) => {
          const event = e as RunStreamEvent;
          if (event.type === "end" || (event.type === "snapshot" && !["pending", "queued", "running"].includes(event.run.status))) {
            sub.unsubscribe();
            resolve(event.run);
          }
        },
        onError: reject,
      },
    );
  });
}

/** The tRPC code and message of a refused call. */
async function refusal(call: Promise<unknown>): Promise<{ code: string | undefined; appCode: string | undefined; message: string }> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a refusal, got ${JSON.stringify(error)}`);
  const data = error.data as { code?: string; appCode?: string } | undefined;
  return { code: data?.code, appCode: data?.appCode, message: error.message };
}

const txt2img = (steps = 2): WorkflowDocument => buildDocument(buildTxt2ImgGraph({ steps, checkpoint: "sim-sd15.safetensors", seed: Math.floor(Math.random() * 1e9) }));

describe("two ComfyUI servers", () => {
  it("runs on the server asked for, records it, and runs again there; the default one when none is named", async () => {
    const [first, second] = [await sim(), await sim()];
    const { api, server } = await app({ COMFYUI_URL: first.url });
    expect(await api.system.addServer.mutate({ url: `${second.url}/`, name: " GPU box 2 " })).toEqual({ url: second.url, name: "GPU box 2", source: "settings", isDefault: false });

    const wf = await api.workflow.create.mutate({ name: "fox", document: txt2img() });
    const started = await api.run.start.mutate({ workflowId: wf.id, serverUrl: second.url });
    expect(started.serverUrl).toBe(second.url);
    const end = await ended(api, started.id);
    expect(end).toMatchObject({ status: "success", serverUrl: second.url });
    expect(end.outputs[0]!.url).not.toBeNull();
    expect((await api.run.get.query({ runId: end.id })).serverUrl).toBe(second.url);
    // The second simulator did the work, the first never saw it.
    expect(Object.keys(await (await fetch(`${second.url}/history`)).json())).toHaveLength(1);
    expect(Object.keys(await (await fetch(`${first.url}/history`)).json())).toHaveLength(0);

    const again = await ended(api, (await api.run.rerun.mutate({ runId: end.id })).id);
    expect(again).toMatchObject({ status: "success", serverUrl: second.url, rerunOf: end.id });
    const elsewhere = await ended(api, (await api.run.rerun.mutate({ runId: end.id, serverUrl: first.url })).id);
    expect(elsewhere.serverUrl).toBe(first.url);

    expect((await ended(api, (await api.run.start.mutate({ workflowId: wf.id })).id)).serverUrl).toBe(first.url);
    await api.system.setDefaultServer.mutate({ url: second.url });
    expect((await api.system.settings.query()).servers.map((s) => [s.url, s.source, s.isDefault])).toEqual([
      [first.url, "env", false],
      [second.url, "settings", true],
    ]);
    expect((await ended(api, (await api.run.start.mutate({ workflowId: wf.id })).id)).serverUrl).toBe(second.url);
    // Each server has its own client and client id, kept in SQLite.
    expect(server.services.comfy.client(first.url).clientId).not.toBe(server.services.comfy.client(second.url).clientId);

    // The catalogue and the pre-run check answer for the server asked about.
    expect(await api.catalogue.get.query({ serverUrl: second.url })).toMatchObject({ source: "server", serverUrl: second.url });
    expect(await api.catalogue.status.query({ serverUrl: second.url })).toMatchObject({ url: second.url, reachable: true });
    expect(await api.run.check.mutate({ document: txt2img(), serverUrl: first.url })).toMatchObject({ serverUrl: first.url, reachable: true, missing: [] });
  });

  it("refuses a server that is not configured, naming it and the configured ones, and records nothing", async () => {
    const [first, second] = [await sim(), await sim()];
    const { api } = await app({ COMFYUI_URL: first.url });
    const wf = await api.workflow.create.mutate({ name: "fox", document: txt2img() });
    const refused = await refusal(api.run.start.mutate({ workflowId: wf.id, serverUrl: second.url }));
    expect(refused).toEqual({
      code: "BAD_REQUEST",
      appCode: "BAD_INPUT",
      message: `ComfyUI server "${second.url}" is not configured in Atelier (configured: ${first.url} (default)); add it on the settings page first.`,
    });
    expect((await refusal(api.run.start.mutate({ workflowId: wf.id, serverUrl: "not a url" }))).message).toContain('ComfyUI server "not a url" is not configured');
    expect((await refusal(api.catalogue.get.query({ serverUrl: second.url }))).appCode).toBe("BAD_INPUT");
    expect((await api.run.list.query()).runs).toEqual([]);

    // Bad URLs and duplicates are refused when adding, naming the field.
    expect((await refusal(api.system.addServer.mutate({ url: "ftp://gpu:21" }))).message).toBe('url: "ftp://gpu:21" is not an http:// or https:// address (ComfyUI serves HTTP).');
    expect((await refusal(api.system.addServer.mutate({ url: "gpu box" }))).message).toBe('url: "gpu box" is not a URL; give one like http://127.0.0.1:8188.');
    expect(await refusal(api.system.addServer.mutate({ url: first.url }))).toMatchObject({ code: "CONFLICT", message: `url: ComfyUI server ${first.url} is already configured (from COMFYUI_URL).` });
    expect((await refusal(api.system.removeServer.mutate({ url: first.url }))).message).toBe(
      `ComfyUI server ${first.url} comes from COMFYUI_URL and cannot be removed here; change COMFYUI_URL and restart Atelier.`,
    );
  });

  it("refuses to remove a server while a run is in flight there, naming the run; removes it once the run ended", async () => {
    const [first, second] = [await sim(), await sim({ stepDelayMs: 10 })];
    const { api } = await app({ COMFYUI_URL: first.url });
    await api.system.addServer.mutate({ url: second.url });
    await api.system.setDefaultServer.mutate({ url: second.url });
    const run = await api.run.start.mutate({ document: txt2img(100) });
    expect(run.serverUrl).toBe(second.url);
    const refused = await refusal(api.system.removeServer.mutate({ url: second.url }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(new RegExp(`^ComfyUI server ${second.url.replace(/\./g, "\\.")} still has 1 run queued or running: run ${run.id} \\((queued|running)\\); wait for them to end or cancel them, then remove it\\.$`));

    await ended(api, run.id);
    expect(await api.system.removeServer.mutate({ url: second.url })).toEqual([{ url: first.url, name: null, source: "env", isDefault: true }]);
    // The removed default gave the default back to COMFYUI_URL's server; the run's record still names its server.
    expect((await api.run.get.query({ runId: run.id })).serverUrl).toBe(second.url);
    expect((await refusal(api.run.rerun.mutate({ runId: run.id, serverUrl: second.url }))).appCode).toBe("BAD_INPUT");
    expect((await ended(api, (await api.run.rerun.mutate({ runId: run.id })).id)).serverUrl).toBe(first.url);
  });

  it("refuses to remove a server while a run to it is being started (its catalogue still on the way), then sends that run", async () => {
    const [first, second] = [await sim(), await sim()];
    const { server } = await app({ COMFYUI_URL: first.url });
    const services = server.services;
    services.settings.addServer({ url: second.url });
    // Not awaited: the run waits for the new server's /object_info, with no record written yet.
    const starting = services.runManager.start({ document: txt2img(), serverUrl: second.url });
    expect(services.runManager.startingOn(second.url)).toBe(1);
    expect(() => services.settings.removeServer(second.url)).toThrow(`ComfyUI server ${second.url} has a run being sent to it right now; try again in a moment.`);
    const run = await starting;
    expect(run.serverUrl).toBe(second.url);
    expect(run.promptId).not.toBeNull();
    expect(services.runManager.startingOn(second.url)).toBe(0);
  });

  it("fails fast on a dead server with its URL while the other server keeps running; the queue names the dead one", async () => {
    const live = await sim();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { api } = await app({ COMFYUI_URL: live.url });
    await api.system.addServer.mutate({ url: dead, name: "attic" });
    for (let i = 0; i < 5; i++) expect((await api.run.start.mutate({ document: txt2img(), serverUrl: dead })).status).toBe("failed");
    const fast = await api.run.start.mutate({ document: txt2img(), serverUrl: dead });
    expect(fast).toMatchObject({ status: "failed", serverUrl: dead });
    expect(fast.detail).toContain(`ComfyUI at ${dead} failed`);
    expect(fast.detail).toContain("times in a row, so Atelier is not contacting it");

    expect(await ended(api, (await api.run.start.mutate({ document: txt2img() })).id)).toMatchObject({ status: "success", serverUrl: live.url });
    const queue = await api.run.queue.query();
    expect(queue.servers).toEqual([
      { url: live.url, name: null, isDefault: true, comfy: { running: [], pending: [] }, problem: null },
      { url: dead, name: "attic", isDefault: false, comfy: null, problem: expect.stringContaining(`ComfyUI at ${dead}`) },
    ]);
    expect(await api.catalogue.status.query({ serverUrl: dead })).toMatchObject({ url: dead, reachable: false, problem: expect.stringContaining(dead) });
    expect(await api.system.testServer.mutate({ url: live.url })).toMatchObject({ url: live.url, reachable: true, system: { devices: [expect.objectContaining({ vramTotal: expect.any(Number) })] } });
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    expect(await api.system.testServer.mutate({ url: nowhere })).toMatchObject({ url: nowhere, reachable: false, problem: expect.stringContaining(nowhere) });
  });

  it("does not let a server that accepts connections but never answers hold up the queue of the others", async () => {
    const live = await sim();
    const silentUrl = await silentServer();
    const { api } = await app({ COMFYUI_URL: live.url });
    await api.system.addServer.mutate({ url: silentUrl });
    const asked = Date.now();
    const queue = await api.run.queue.query();
    expect(Date.now() - asked).toBeLessThan(6_000);
    expect(queue.servers).toEqual([
      { url: live.url, name: null, isDefault: true, comfy: { running: [], pending: [] }, problem: null },
      { url: silentUrl, name: null, isDefault: false, comfy: null, problem: `ComfyUI at ${silentUrl} did not tell its queue within 3 s; is it running and reachable?` },
    ]);
  });

  it("gives timeouts edited in settings to every client at once, resets them, and never changes one the environment set", async () => {
    const [first, second] = [await sim(), await sim()];
    const { api, server } = await app({ COMFYUI_URL: first.url, COMFYUI_CONNECT_TIMEOUT_MS: "2500" });
    await api.system.addServer.mutate({ url: second.url });
    const before = server.services.comfy.client(first.url);
    const view = await api.system.updateTimeouts.mutate({ changes: { readMs: 1234, videoDownloadMs: "420000" } });
    expect(view.timeouts.filter((t) => t.source !== "default").map((t) => [t.key, t.ms, t.source])).toEqual([
      ["connectMs", 2500, "env"],
      ["readMs", 1234, "settings"],
      ["videoDownloadMs", 420_000, "settings"],
    ]);
    // The client made before the change, and one made after it, both use the new values.
    expect(before.timeouts).toMatchObject({ connectMs: 2500, readMs: 1234, videoDownloadMs: 420_000, generationMs: 6 * 60 * 60_000 });
    expect(server.services.comfy.client(second.url).timeouts).toMatchObject({ connectMs: 2500, readMs: 1234 });

    const locked = await refusal(api.system.updateTimeouts.mutate({ changes: { connectMs: 9000 } }));
    expect(locked).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Connect timeout (connectMs) is set by COMFYUI_CONNECT_TIMEOUT_MS in the environment") });
    const bad = await refusal(api.system.updateTimeouts.mutate({ changes: { queueMs: 0 } }));
    expect(bad.message).toContain("Queue a prompt timeout (queueMs): must be a whole number of milliseconds greater than 0");
    expect(before.timeouts.connectMs).toBe(2500);

    await api.system.updateTimeouts.mutate({ changes: { readMs: null } });
    expect(before.timeouts.readMs).toBe(30_000);
    expect((await api.system.settings.query()).timeouts.find((t) => t.key === "readMs")).toMatchObject({ ms: 30_000, source: "default" });
  });
});

describe("servers and timeouts across a restart", () => {
  function services(dataDir: string, env: Record<string, string>): Services {
    const read = readEnv({ ATELIER_DATA_DIR: dataDir, ...env });
    if (!read.ok) throw new Error(read.problems.join("; "));
    const s = createServices(read.env, { templatesDir: null });
    defer(() => s.close());
    return s;
  }

  it("keeps the servers, the default and the timeouts, and follows a run on a server no longer configured", async () => {
    const [first, second] = [await sim({ stepDelayMs: 15 }), await sim({ stepDelayMs: 15 })];
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-servers-"));
    defer(() => rmSync(dataDir, { recursive: true, force: true }));

    const before = services(dataDir, { COMFYUI_URL: first.url });
    before.settings.addServer({ url: second.url, name: "box 2" });
    before.settings.setDefaultServer(second.url);
    before.settings.updateTimeouts({ queueMs: 15_000 });
    const run = await before.runManager.start({ document: txt2img(60) });
    expect(run.serverUrl).toBe(second.url);
    before.close();

    const after = services(dataDir, { COMFYUI_URL: first.url });
    expect(after.settings.view().servers).toEqual([
      { url: first.url, name: null, source: "env", isDefault: false },
      { url: second.url, name: "box 2", source: "settings", isDefault: true },
    ]);
    expect(after.comfy.default.timeouts.queueMs).toBe(15_000);
    await after.runsRecovered;
    expect(after.runs.getOrThrow(run.id)).toMatchObject({ status: "success", serverUrl: second.url });
    after.close();

    // COMFYUI_URL now names the second server and the first is not listed at all: a run left on it is still followed there.
    const third = services(dataDir, { COMFYUI_URL: first.url });
    const onFirst = await third.runManager.start({ document: txt2img(60), serverUrl: first.url });
    third.close();
    const moved = services(dataDir, { COMFYUI_URL: second.url });
    expect(moved.settings.view().servers.map((s) => s.url)).toEqual([second.url]);
    await moved.runsRecovered;
    expect(moved.runs.getOrThrow(onFirst.id)).toMatchObject({ status: "success", serverUrl: first.url, outputs: [expect.objectContaining({ problem: null })] });
  });
});

describe("a run on any server that fits", () => {
  const GB = 2 ** 30;
  const gpu = (gb: number) => ({ systemStats: { devices: [{ name: "cuda:0 Sim GPU", type: "cuda", index: 0, vram_total: gb * GB, vram_free: gb * GB, torch_vram_total: gb * GB, torch_vram_free: gb * GB }] } });

  it("skips a server lacking a node type or a model file the graph uses, naming why when none fits", async () => {
    const withoutSampler = { ...BUNDLED_CATALOGUE };
    delete withoutSampler.KSampler;
    const [noSampler, noModel] = [await sim({ catalogue: withoutSampler }), await sim({ models: { checkpoints: ["other.safetensors"] } })];
    const full = await sim();
    const { api } = await app({ COMFYUI_URL: noSampler.url });
    await api.system.addServer.mutate({ url: noModel.url });
    await api.system.addServer.mutate({ url: full.url });
    const run = await api.run.start.mutate({ document: txt2img(), anyServer: true });
    expect(run.serverUrl).toBe(full.url);
    expect(await ended(api, run.id)).toMatchObject({ status: "success", serverUrl: full.url });

    await api.system.removeServer.mutate({ url: full.url });
    const refused = await api.run.start.mutate({ document: txt2img(), anyServer: true });
    expect(refused).toMatchObject({ status: "rejected", serverUrl: noSampler.url, promptId: null });
    expect(refused.rejection!.message).toMatch(
      new RegExp(`^No configured ComfyUI server can run this workflow: ${noSampler.url.replace(/\./g, "\\.")} has no node type "KSampler"; ${noModel.url.replace(/\./g, "\\.")} .*"sim-sd15\\.safetensors".*\\.$`),
    );
    expect((await refusal(api.run.start.mutate({ document: txt2img(), anyServer: true, serverUrl: noSampler.url }))).message).toBe(
      "Name a ComfyUI server (serverUrl) or ask for any that fits (anyServer), not both.",
    );
  });

  it("prefers the shorter queue, and the default server when the queues are even", async () => {
    const [first, second] = [await sim({ stepDelayMs: 10 }), await sim()];
    const { api } = await app({ COMFYUI_URL: first.url });
    await api.system.addServer.mutate({ url: second.url });
    expect((await api.run.start.mutate({ document: txt2img(), anyServer: true })).serverUrl).toBe(first.url);
    // The default server is busy with a long run: the next one goes to the idle server.
    const long = await api.run.start.mutate({ document: txt2img(300), serverUrl: first.url });
    expect((await api.run.start.mutate({ document: txt2img(), anyServer: true })).serverUrl).toBe(second.url);
    await api.run.cancel.mutate({ runId: long.id });
  });

  it("does not wait for a silent server once another fits, even when the silent one is the default", async () => {
    const live = await sim();
    const silentUrl = await silentServer();
    const { api } = await app({ COMFYUI_URL: silentUrl });
    await api.system.addServer.mutate({ url: live.url });
    const asked = Date.now();
    const run = await api.run.start.mutate({ document: txt2img(), anyServer: true });
    // The short wait (3 s), not the silent server's 30 s read timeout.
    expect(Date.now() - asked).toBeLessThan(6_000);
    expect(run).toMatchObject({ serverUrl: live.url, status: expect.stringMatching(/^(queued|running|success)$/) });
  });

  it("needs the VRAM the template its workflow was made from declares, and skips a server that does not answer", async () => {
    const [small, big] = [await sim(gpu(8)), await sim(gpu(24))];
    const silent = `http://127.0.0.1:${await freePort()}`;
    const { api } = await app({ COMFYUI_URL: small.url, COMFYUI_CONNECT_TIMEOUT_MS: "300" });
    await api.system.addServer.mutate({ url: silent });
    await api.system.addServer.mutate({ url: big.url });
    // txt2img-sdxl declares 10 GB; the simulators have its node types but not its checkpoints, so fill them in.
    const { workflow } = await api.template.use.mutate({ templateId: "txt2img-sdxl" });
    const doc = structuredClone(workflow.document);
    for (const node of doc.graph.nodes) if (node.type === "CheckpointLoaderSimple") node.widgets = { ...node.widgets, ckpt_name: "sim-sdxl.safetensors" };
    const run = await api.run.start.mutate({ workflowId: workflow.id, document: doc, anyServer: true });
    expect(run.serverUrl).toBe(big.url);

    await ended(api, run.id);
    await api.system.removeServer.mutate({ url: big.url });
    const refused = await api.run.start.mutate({ workflowId: workflow.id, document: doc, anyServer: true });
    expect(refused.rejection!.message).toContain(`${small.url} has 8.0 GB of VRAM; the template this workflow was made from needs 10 GB`);
    expect(refused.rejection!.message).toContain(`${silent} `);
  });
});
