import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE, type WorkflowDocument } from "@/lib/graph";
import type { RunStreamEvent, RunView } from "@/lib/runs";
import { buildDocument, buildEdge, buildGraph, buildNode, buildTxt2ImgGraph } from "@/lib/testing";
import { startSimulator, type Simulator } from "@/server/comfyui";
import { createTestHarness, freePort } from "@/server/testing/harness";

const { defer, sim, app: startApp } = createTestHarness();

const app = (comfyuiUrl: string) => startApp({ COMFYUI_URL: comfyuiUrl });

type Api = Awaited<ReturnType<typeof app>>["api"];

/** Follows a run's subscription to its end; returns every event. */
function follow(api: Api, runId: string, onEvent: (e: RunStreamEvent) => void = () => undefined): Promise<{ events: RunStreamEvent[]; end: RunView }> {
  return new Promise((resolve, reject) => {
    const events: RunStreamEvent[] = [];
    const sub = api.run.onEvents.subscribe(
      { runId },
      {
        onData: (e) => {
          const event = e as RunStreamEvent;
          events.push(event);
          onEvent(event);
          const terminal = event.type === "end" || (event.type === "snapshot" && !["pending", "queued", "running"].includes(event.run.status));
          if (terminal) {
            sub.unsubscribe();
            resolve({ events, end: event.run });
          }
        },
        onError: reject,
      },
    );
  });
}

const txt2img = (steps = 3, overrides: Parameters<typeof buildTxt2ImgGraph>[0] = {}): WorkflowDocument => buildDocument(buildTxt2ImgGraph({ steps, checkpoint: "sim-sd15.safetensors", ...overrides }));

describe("running a workflow through the app server on the simulator", () => {
  it("runs a saved workflow's head to success, streaming node progress, and serves the downloaded output", async () => {
    const comfy = await sim();
    const { server, api } = await app(comfy.url);
    const wf = await api.workflow.create.mutate({ name: "fox", document: txt2img(3) });
    const started = await api.run.start.mutate({ workflowId: wf.id });
    expect(started).toMatchObject({ workflowId: wf.id, versionId: wf.head.id, documentHash: wf.head.documentHash, graphHash: wf.head.graphHash, unsaved: false, serverUrl: comfy.url });
    expect(started.rejection).toBeNull();
    expect(["queued", "running", "success"]).toContain(started.status);

    const { events, end } = await follow(api, started.id);
    expect(events[0]!.type).toBe("snapshot");
    expect(end.status).toBe("success");
    expect(Object.values(end.nodes).map((n) => n.state)).toEqual(["done", "done", "done", "done", "done", "done", "done"]);
    expect(end.nodes["3"]).toMatchObject({ state: "done", max: 3 });
    expect(events.some((e) => e.type === "node" && e.nodeId === "3" && e.node.state === "running" && e.node.max === 3)).toBe(true);
    expect(end.outputs).toEqual([
      { index: 0, nodeId: "9", filename: expect.stringMatching(/^ComfyUI_\d+_\.png$/), subfolder: "", type: "output", media: "image", url: `/files/runs/${end.id}/0`, bytes: expect.any(Number), problem: null },
    ]);

    const file = await fetch(server.url + end.outputs[0]!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer()).subarray(1, 4).toString()).toBe("PNG");
    expect((await fetch(`${server.url}/files/runs/${end.id}/7`)).status).toBe(404);
    expect((await fetch(`${server.url}/files/runs/..%2F..%2Fetc/0`)).status).toBe(404);

    expect(await api.run.get.query({ runId: end.id })).toEqual(end);
    expect((await api.run.list.query({ workflowId: wf.id })).runs.map((r) => r.id)).toEqual([end.id]);
    expect((await api.version.history.query({ workflowId: wf.id })).entries[0]!.runCount).toBe(1);
    expect(await api.run.prompt.query({ runId: end.id })).toMatchObject({ "3": { class_type: "KSampler", inputs: { steps: 3 } } });
  });

  it("re-runs the exact snapshot of a run, and ComfyUI serves the unchanged nodes from its cache", async () => {
    const comfy = await sim();
    const { api } = await app(comfy.url);
    const wf = await api.workflow.create.mutate({ name: "fox", document: txt2img(2) });
    const first = await follow(api, (await api.run.start.mutate({ workflowId: wf.id })).id);
    // A newer head must not change what "Run again" runs.
    await api.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: txt2img(5) });
    const again = await api.run.rerun.mutate({ runId: first.end.id });
    const { end } = await follow(api, again.id);
    expect(end).toMatchObject({ status: "success", versionId: wf.head.id, rerunOf: first.end.id, graphHash: first.end.graphHash });
    expect(end.cachedNodes.length).toBeGreaterThan(0);
    for (const id of end.cachedNodes) expect(end.nodes[id]!.state).toBe("cached");
  });

  it("runs an unsaved draft and records it as unsaved with its hash", async () => {
    const comfy = await sim();
    const { api } = await app(comfy.url);
    const wf = await api.workflow.create.mutate({ name: "fox", document: txt2img(2) });
    const started = await api.run.start.mutate({ workflowId: wf.id, document: txt2img(4) });
    const { end } = await follow(api, started.id);
    expect(end).toMatchObject({ status: "success", unsaved: true, versionId: null, workflowId: wf.id });
    expect(end.documentHash).not.toBe(wf.head.documentHash);
    const rerun = await follow(api, (await api.run.rerun.mutate({ runId: end.id })).id);
    expect(rerun.end).toMatchObject({ status: "success", unsaved: true, documentHash: end.documentHash });
  });

  it("maps ComfyUI's validation errors to the node and input", async () => {
    const comfy = await sim();
    const { api } = await app(comfy.url);
    const run = await api.run.start.mutate({ document: txt2img(2, { width: 999999 }) });
    expect(run.status).toBe("rejected");
    expect(run.rejection!.issues).toEqual([
      { nodeId: "5", classType: "EmptyLatentImage", inputName: "width", type: "value_bigger_than_max", message: expect.stringContaining('Node 5 (EmptyLatentImage), input "width"') },
    ]);
    expect(run.nodes["5"]).toMatchObject({ state: "error" });
    expect((await api.run.get.query({ runId: run.id })).rejection).toEqual(run.rejection);
  });

  it("names node types the server lacks, and the node that needs them, before sending anything", async () => {
    const comfy = await sim();
    const { api } = await app(comfy.url);
    const doc = buildDocument(buildGraph([buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }), buildNode(2, "FancyUpscaler"), buildNode(3, "SaveImage", { widgets: { filename_prefix: "x" } })], [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "images")]));
    expect(await api.run.check.mutate({ document: doc })).toEqual({
      serverUrl: comfy.url,
      reachable: true,
      problem: null,
      missing: [{ nodeId: "2", classType: "FancyUpscaler", inputName: null, type: "missing-node-type", message: `ComfyUI at ${comfy.url} has no node type "FancyUpscaler" (needed by node 2); install the custom node that provides it.` }],
    });
    const run = await api.run.start.mutate({ document: doc });
    expect(run.status).toBe("rejected");
    expect(run.promptId).toBeNull();
    expect(run.rejection!.issues[0]).toMatchObject({ nodeId: "2", classType: "FancyUpscaler", type: "missing-node-type", message: expect.stringContaining(`ComfyUI at ${comfy.url} has no node type "FancyUpscaler" (needed by node 2)`) });
  });

  it("asks ComfyUI again before refusing a node type its cached catalogue lacks (a custom node installed, ComfyUI restarted)", async () => {
    const withoutInvert = { ...BUNDLED_CATALOGUE };
    delete withoutInvert.ImageInvert;
    const before = await startSimulator({ catalogue: withoutInvert, nodeDelayMs: 2 });
    const port = before.port;
    const { api } = await app(before.url);
    // The app caches the catalogue without ImageInvert…
    expect((await api.catalogue.get.query()).catalogue.ImageInvert).toBeUndefined();
    // …then ComfyUI comes back with it.
    await before.close();
    await sim({ port });
    const doc = buildDocument(buildGraph([buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }), buildNode(2, "ImageInvert"), buildNode(3, "SaveImage", { widgets: { filename_prefix: "x" } })], [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "images")]));
    const run = await api.run.start.mutate({ document: doc });
    expect(run.rejection).toBeNull();
    expect((await follow(api, run.id)).end.status).toBe("success");
  });

  it("records an execution error with its node, exception and traceback", async () => {
    const comfy = await sim();
    const { api } = await app(comfy.url);
    const doc = txt2img(1);
    doc.graph.nodes.find((n) => n.id === "9")!.widgets = { filename_prefix: "../../escape" };
    const { end } = await follow(api, (await api.run.start.mutate({ document: doc })).id);
    expect(end.status).toBe("error");
    expect(end.error).toMatchObject({ nodeId: "9", nodeType: "SaveImage", exceptionType: "Exception", message: expect.stringContaining("Saving image outside the output folder") });
    expect(end.error!.traceback.length).toBeGreaterThan(0);
    expect(end.nodes["9"]).toMatchObject({ state: "error", exceptionType: "Exception" });
    expect(end.nodes["3"]!.state).toBe("done");
  });

  it("cancels a running run by interrupting it, and a queued one by taking it out of the queue", async () => {
    const comfy = await sim({ stepDelayMs: 20 });
    const { api } = await app(comfy.url);
    const first = await api.run.start.mutate({ document: txt2img(200) });
    const second = await api.run.start.mutate({ document: txt2img(201) });
    const secondDone = follow(api, second.id);
    await follow(api, first.id, (e) => {
      if (e.type === "node" && e.nodeId === "3" && e.node.state === "running" && e.node.value === 2) void api.run.cancel.mutate({ runId: second.id }).then(() => api.run.cancel.mutate({ runId: first.id }));
    }).then(({ end }) => {
      expect(end.status).toBe("interrupted");
      expect(end.nodes["3"]!.state).toBe("interrupted");
    });
    const { end } = await secondDone;
    expect(end).toMatchObject({ status: "cancelled", detail: "Removed from ComfyUI's queue before it started." });
    expect((await comfy.whenIdle(), (await api.run.queue.query()).servers)).toEqual([{ url: comfy.url, name: null, isDefault: true, comfy: { running: [], pending: [] }, problem: null }]);
  });

  it("reports queue positions while a run waits", async () => {
    const comfy = await sim({ stepDelayMs: 5 });
    const { api } = await app(comfy.url);
    // Long enough for the once-a-second queue check to see the second run waiting.
    const first = await api.run.start.mutate({ document: txt2img(300) });
    const second = await api.run.start.mutate({ document: txt2img(41) });
    const positions: (number | null)[] = [];
    const record = (e: RunStreamEvent) => {
      if (e.type === "status") positions.push(e.queuePosition);
      if (e.type === "snapshot") positions.push(e.run.queuePosition);
    };
    const [, b] = await Promise.all([follow(api, first.id), follow(api, second.id, record)]);
    expect(b.end.status).toBe("success");
    expect(positions).toContain(1);
  });

  it("moves a waiting run up the queue as the runs ahead of it end, within the once-a-second check", async () => {
    const comfy = await sim({ stepDelayMs: 5 });
    const { api } = await app(comfy.url);
    // In this order (different seeds: nothing cached), 1.5 s each for the first two.
    const first = await api.run.start.mutate({ document: txt2img(300, { seed: 1 }) });
    const second = await api.run.start.mutate({ document: txt2img(300, { seed: 2 }) });
    const third = await api.run.start.mutate({ document: txt2img(2, { seed: 3 }) });
    const positions: (number | null)[] = [];
    const record = (e: RunStreamEvent) => {
      if (e.type === "status" && e.status === "queued") positions.push(e.queuePosition);
      if (e.type === "snapshot" && e.run.status === "queued") positions.push(e.run.queuePosition);
    };
    const ends = await Promise.all([follow(api, first.id), follow(api, second.id), follow(api, third.id, record)]);
    expect(ends.map((e) => e.end.status)).toEqual(["success", "success", "success"]);
    // Two runs ahead, then one: never back down.
    const known = positions.filter((p) => p !== null);
    expect(known).toContain(2);
    expect(known).toContain(1);
    expect(known.indexOf(1)).toBeGreaterThan(known.lastIndexOf(2));
  });

  it("marks a run lost when ComfyUI restarts mid-run and forgets it", async () => {
    const first = await startSimulator({ stepDelayMs: 20 });
    const port = first.port;
    const { api } = await app(first.url);
    let restarted: Simulator | null = null;
    defer(async () => {
      await (restarted as Simulator | null)?.close();
    });
    const { end } = await follow(api, (await api.run.start.mutate({ document: txt2img(100) })).id, (e) => {
      if (e.type === "node" && e.nodeId === "3" && e.node.value === 2 && !restarted) {
        restarted = {} as Simulator;
        void first.close().then(async () => (restarted = await startSimulator({ port, nodeDelayMs: 1 })));
      }
    });
    expect(end.status).toBe("lost");
    expect(end.detail).toContain("no longer knows prompt");
  });

  it("keeps following a run through a network outage and still downloads its output", async () => {
    const comfy = await sim({ stepDelayMs: 10 });
    const { api } = await app(comfy.url);
    let cut = false;
    const { events, end } = await follow(api, (await api.run.start.mutate({ document: txt2img(60) })).id, (e) => {
      if (e.type === "node" && e.nodeId === "3" && e.node.value === 2 && !cut) {
        cut = true;
        void comfy.stop().then(() => new Promise((r) => setTimeout(r, 300))).then(() => comfy.start());
      }
    });
    expect(end.status).toBe("success");
    expect(end.outputs).toHaveLength(1);
    expect(end.outputs[0]!.url).not.toBeNull();
    expect(events.some((e) => e.type === "status" && e.status === "running")).toBe(true);
  });

  it("says plainly, naming the URL, when ComfyUI does not answer; catalogue falls back to the bundled one", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { api } = await app(url);
    const run = await api.run.start.mutate({ document: txt2img(2) });
    expect(run.status).toBe("failed");
    expect(run.detail).toContain(`ComfyUI at ${url}`);
    const catalogue = await api.catalogue.get.query();
    expect(catalogue).toMatchObject({ source: "bundled", fingerprint: null, reason: expect.stringContaining(url) });
    expect(catalogue.catalogue.KSampler).toBeDefined();
    expect(await api.catalogue.status.query()).toMatchObject({ url, reachable: false, problem: expect.stringContaining(url) });
    // Repeated failures open the breaker: later attempts fail fast and say so.
    for (let i = 0; i < 5; i++) await api.run.start.mutate({ document: txt2img(2) });
    const fast = await api.run.start.mutate({ document: txt2img(2) });
    expect(fast.detail).toContain(`ComfyUI at ${url} failed`);
    expect(fast.detail).toContain("times in a row, so Atelier is not contacting it");
    const all = await api.run.list.query({ status: ["failed"] });
    expect(all.runs.length).toBe(7);
    const page1 = await api.run.list.query({ status: ["failed"], limit: 4 });
    const page2 = await api.run.list.query({ status: ["failed"], limit: 4, before: page1.nextBefore! });
    expect([...page1.runs, ...page2.runs].map((r) => r.id)).toEqual(all.runs.map((r) => r.id));
    expect(page2.nextBefore).toBeNull();
  });

  it("serves the connected server's catalogue with its fingerprint and its status", async () => {
    const comfy = await sim();
    const { api } = await app(comfy.url);
    const catalogue = await api.catalogue.get.query();
    expect(catalogue).toMatchObject({ source: "server", serverUrl: comfy.url, reason: null, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await api.catalogue.status.query()).toMatchObject({ url: comfy.url, reachable: true, queueRunning: 0, queuePending: 0, system: { comfyuiVersion: expect.any(String) } });
  });
});
