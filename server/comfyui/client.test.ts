import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { isAppError } from "@/server/errors";
import { CircuitBreaker } from "./breaker";
import { CATALOGUE_REVALIDATE_MS, ComfyClient, type ComfyClientOptions, type RunEvent, type RunOutcome } from "./client";
import type { ApiPrompt } from "./protocol";
import { decodePng } from "./simulator/png";
import { startSimulator, type Simulator } from "./simulator/server";
import { backoffDelay, ComfySocket, type Logger } from "./socket";
import { createTestHarness } from "@/server/testing/harness";

const { defer, sim } = createTestHarness();

function client(baseUrl: string, options: Partial<ComfyClientOptions> = {}): ComfyClient {
  const c = new ComfyClient({
    baseUrl,
    reconnect: { initialMs: 20, maxMs: 100, jitter: 0 },
    retry: { attempts: 2, initialMs: 10 },
    breaker: new CircuitBreaker({ failureThreshold: 3, coolDownMs: 60_000 }),
    ...options,
  });
  defer(() => c.close());
  return c;
}

const simple = (color = 16744448): ApiPrompt => ({
  "1": { class_type: "EmptyImage", inputs: { width: 64, height: 64, batch_size: 1, color } },
  "2": { class_type: "ImageInvert", inputs: { image: ["1", 0] } },
  "3": { class_type: "ImageScale", inputs: { image: ["2", 0], upscale_method: "nearest-exact", width: 128, height: 96, crop: "disabled" } },
  "4": { class_type: "SaveImage", inputs: { images: ["3", 0], filename_prefix: "client" } },
});

/** A TCP server that accepts and then either hangs up at once or never answers; counts connections and keeps request heads. */
async function rawServer(mode: "hang-up" | "silent" | "error500"): Promise<{ url: string; connections: () => number; heads: string[] }> {
  let connections = 0;
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", (d) => {
      heads.push(d.toString("latin1"));
      if (mode === "error500") socket.end("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nServer boom");
    });
    socket.on("error", () => undefined);
    if (mode === "hang-up") socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  defer(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, heads };
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe("ComfyClient against the simulator", () => {
  it("runs a prompt to success, reporting each node change once, and downloads the output", async () => {
    const s = await sim();
    const c = client(s.url);
    const events: RunEvent[] = [];
    const outcome = (await c.runPrompt(simple(), { onEvent: (e) => events.push(e) })) as RunOutcome;
    expect(outcome.status).toBe("success");
    expect(outcome.reconciled).toBe(false);
    expect(outcome.outputs).toEqual({ "4": { images: [{ filename: "client_00001_.png", subfolder: "", type: "output" }] } });
    expect(outcome.history?.status?.status_str).toBe("success");
    const nodeEvents = events.filter((e): e is Extract<RunEvent, { type: "node" }> => e.type === "node").map((e) => `${e.change.nodeId}:${e.change.state}`);
    expect(nodeEvents).toEqual(["1:running", "1:finished", "2:running", "2:finished", "3:running", "3:finished", "4:running", "4:finished"]);
    expect(events.filter((e) => e.type === "executing").map((e) => (e as { nodeId: string }).nodeId)).toEqual(["1", "2", "3", "4"]);
    expect(events.map((e) => e.type).slice(0, 3)).toEqual(["queued", "started", "cached"]);

    const file = await c.view({ filename: "client_00001_.png", subfolder: "", type: "output" });
    expect(file.contentType).toBe("image/png");
    expect([decodePng(file.data)!.width, decodePng(file.data)!.height]).toEqual([128, 96]);
  });

  it("reports a cached re-run with every node cached and the same output", async () => {
    const s = await sim();
    const c = client(s.url);
    await c.runPrompt(simple());
    const events: RunEvent[] = [];
    const again = (await c.runPrompt(simple(), { onEvent: (e) => events.push(e) })) as RunOutcome;
    expect(again.status).toBe("success");
    expect(again.cachedNodes).toEqual(["1", "2", "3", "4"]);
    expect(again.outputs["4"]).toEqual({ images: [{ filename: "client_00001_.png", subfolder: "", type: "output" }] });
    expect(events.some((e) => e.type === "executing")).toBe(false);
  });

  it("turns a 400 into a typed rejection keyed by node id and input name", async () => {
    const s = await sim();
    const c = client(s.url);
    const prompt = simple();
    prompt["1"]!.inputs.width = 999999;
    const result = await c.runPrompt(prompt);
    expect(result.status).toBe("rejected");
    if (result.status !== "rejected") return;
    expect(result.error.type).toBe("prompt_outputs_failed_validation");
    expect(Object.keys(result.byNode)).toEqual(["1"]);
    const issue = result.byNode["1"]!.inputs.width![0]!;
    expect(issue).toMatchObject({ nodeId: "1", classType: "EmptyImage", inputName: "width", type: "value_bigger_than_max", dependentOutputs: ["4"] });
    expect(issue.message).toBe('Node 1 (EmptyImage), input "width": Value 999999 bigger than max of 16384');
    expect(result.summary).toContain('input "width"');
  });

  it("queues the valid output and reports the dropped one when ComfyUI answers 200 with node_errors", async () => {
    const s = await sim();
    const c = client(s.url);
    const result = await c.queuePrompt({
      ...simple(),
      "5": { class_type: "EmptyImage", inputs: { width: 999999, height: 8, batch_size: 1, color: 0 } },
      "6": { class_type: "PreviewImage", inputs: { images: ["5", 0] } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.issues.map((i) => [i.nodeId, i.inputName, i.type, i.dependentOutputs])).toEqual([["5", "width", "value_bigger_than_max", ["6"]]]);
  });

  it("reports an execution error with the failing node and the exception", async () => {
    const s = await sim();
    const c = client(s.url);
    const outcome = (await c.runPrompt({
      "1": { class_type: "PrimitiveString", inputs: { value: "hello" } },
      "2": { class_type: "RegexReplace", inputs: { string: ["1", 0], regex_pattern: "(unclosed", replace: "x" } },
      "3": { class_type: "PreviewAny", inputs: { source: ["2", 0] } },
    })) as RunOutcome;
    expect(outcome.status).toBe("error");
    expect(outcome.error).toMatchObject({ node_id: "2", node_type: "RegexReplace", exception_type: "re.error", executed: ["1"] });
  });

  it("interrupts a running prompt: it stops when the next node starts", async () => {
    const s = await sim({ nodeDelayMs: 400 });
    const c = client(s.url);
    const outcome = (await c.runPrompt(simple(), {
      onEvent: (e) => {
        if (e.type === "executing" && e.nodeId === "2") void c.interrupt(e.promptId);
      },
    })) as RunOutcome;
    expect(outcome.status).toBe("interrupted");
    expect(outcome.interrupted).toMatchObject({ node_id: "3", node_type: "ImageScale" });
    expect(outcome.history?.status).toMatchObject({ status_str: "error", completed: false });
  });

  it("stops following a run when the caller aborts, leaving it to ComfyUI", async () => {
    const s = await sim({ nodeDelayMs: 50 });
    const c = client(s.url);
    const controller = new AbortController();
    const run = c.runPrompt(simple(), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "executing" && e.nodeId === "1") controller.abort(new Error("user closed the run panel"));
      },
    });
    await expect(run).rejects.toThrow("user closed the run panel");
    const queue = await c.getQueue();
    expect(queue.queue_running).toHaveLength(1);
  });

  it("survives the server going away mid-run: reconnects and takes the result from /history", async () => {
    const s = await sim({ nodeDelayMs: 80 });
    const c = client(s.url, { reconcileIntervalMs: 60_000 });
    const events: RunEvent[] = [];
    const outcome = (await c.runPrompt(simple(), {
      onEvent: (e) => {
        events.push(e);
        // The run finishes while ComfyUI is unreachable; only /history can tell.
        if (e.type === "executing" && e.nodeId === "2") void s.stop().then(() => s.whenIdle()).then(() => s.start());
      },
    })) as RunOutcome;
    expect(outcome.status).toBe("success");
    expect(outcome.reconciled).toBe(true);
    expect(outcome.outputs["4"]).toEqual({ images: [{ filename: "client_00001_.png", subfolder: "", type: "output" }] });
    expect(events.filter((e) => e.type === "connection").map((e) => (e as { state: string }).state)).toEqual(["lost", "restored"]);
  });

  it("reports a run as lost when a restarted server no longer knows the prompt", async () => {
    const first = await startSimulator({ nodeDelayMs: 80 });
    const port = first.port;
    let second: Simulator | null = null;
    defer(async () => {
      await first.close();
      await second?.close();
    });
    const c = client(first.url, { reconcileIntervalMs: 60_000 });
    const outcome = (await c.runPrompt(simple(), {
      onEvent: (e) => {
        if (e.type === "executing" && e.nodeId === "2") {
          void first.close().then(async () => {
            second = await startSimulator({ port, nodeDelayMs: 1 });
          });
        }
      },
    })) as RunOutcome;
    expect(outcome.status).toBe("lost");
    expect(outcome.detail).toContain("no longer knows prompt");
  });

  it("caches the node catalogue per server with a fingerprint of the body", async () => {
    const s = await sim();
    const c = client(s.url);
    const first = await c.getNodeCatalogue();
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(first.catalogue.KSampler?.input.required?.ckpt_name).toBeUndefined();
    expect(first.catalogue.CheckpointLoaderSimple?.input.required?.ckpt_name?.[0]).toEqual(["sim-sd15.safetensors", "sim-sdxl.safetensors"]);
    expect(await client(s.url).getNodeCatalogue()).toBe(first);
    const refreshed = await c.getNodeCatalogue({ refresh: true });
    expect(refreshed.fingerprint).toBe(first.fingerprint);
    expect(refreshed.catalogue).toBe(first.catalogue);
  });

  it("uploads an image and reads queue, system stats and history", async () => {
    const s = await sim();
    const c = client(s.url);
    const png = (await c.view({ filename: "example.png", subfolder: "", type: "input" })).data;
    expect(await c.uploadImage(png, "copy.png")).toEqual({ name: "copy.png", subfolder: "", type: "input" });
    expect(await c.getQueue()).toEqual({ queue_running: [], queue_pending: [] });
    expect(await c.getQueueRemaining()).toBe(0);
    expect((await c.getSystemStats()).system.comfyui_version).toBe("0.8.0");
    expect(await c.getHistoryEntry("nope")).toBeNull();
    await c.free({ unloadModels: true });
    await expect(c.view({ filename: "missing.png", subfolder: "", type: "output" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("follows a prompt queued earlier under the same client id (as after a restart), and a stranger hears nothing", async () => {
    const s = await sim({ stepDelayMs: 5 });
    const sampler: ApiPrompt = {
      "1": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "sim-sd15.safetensors" } },
      "2": { class_type: "EmptyLatentImage", inputs: { width: 64, height: 48, batch_size: 1 } },
      "3": { class_type: "CLIPTextEncode", inputs: { text: "a lighthouse", clip: ["1", 1] } },
      "4": {
        class_type: "KSampler",
        inputs: { seed: 7, steps: 30, cfg: 7, sampler_name: "euler", scheduler: "normal", denoise: 1, model: ["1", 0], positive: ["3", 0], negative: ["3", 0], latent_image: ["2", 0] },
      },
      "5": { class_type: "VAEDecode", inputs: { samples: ["4", 0], vae: ["1", 2] } },
      "6": { class_type: "SaveImage", inputs: { images: ["5", 0], filename_prefix: "watched" } },
    };
    const queued = await client(s.url, { clientId: "atelier-1" }).queuePrompt(sampler);
    if (!queued.ok) throw new Error(queued.summary);

    const watch = (c: ComfyClient) => {
      const events: RunEvent[] = [];
      let ended!: () => void;
      const end = new Promise<void>((r) => (ended = r));
      c.watchPrompt(queued.promptId, { onEvent: (e) => events.push(e), onEnd: ended });
      return { events, end };
    };
    const same = client(s.url, { clientId: "atelier-1" });
    const stranger = client(s.url, { clientId: "someone-else" });
    const mine = watch(same);
    const theirs = watch(stranger);
    await Promise.all([same.connect(), stranger.connect()]);
    await mine.end;

    const steps = mine.events.filter((e) => e.type === "progress" && e.nodeId === "4").map((e) => (e as { value: number }).value);
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.at(-1)).toBe(30);
    expect(mine.events).toContainEqual({ type: "executed", promptId: queued.promptId, nodeId: "6", output: { images: [expect.objectContaining({ type: "output" })] } });
    expect(theirs.events).toEqual([]);
  });
});

describe("the node catalogue cache", () => {
  /** An /object_info that answers `catalogue` (changeable), counting the requests. */
  async function objectInfoServer(catalogue: { current: Record<string, unknown> }): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    const server = createHttpServer((req, res) => {
      if (req.url !== "/object_info") return void res.writeHead(404).end();
      requests++;
      // Slow enough for callers to overlap.
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(catalogue.current)), 30);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    defer(() => new Promise<void>((r) => server.close(() => r())));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => requests };
  }
  const definition = (name: string) => ({ input: { required: {} }, output: ["IMAGE"], name });

  it("shares one /object_info among callers asking together", async () => {
    const served = await objectInfoServer({ current: { A: definition("A") } });
    const c = client(served.url);
    const answers = await Promise.all([c.getNodeCatalogue(), c.getNodeCatalogue(), c.getNodeCatalogue({ refresh: true })]);
    expect(served.requests()).toBe(1);
    expect(answers.map((a) => Object.keys(a.catalogue))).toEqual([["A"], ["A"], ["A"]]);
  });

  it("answers a catalogue older than a minute at once and refetches it behind the answer", async () => {
    const catalogue = { current: { A: definition("A") } as Record<string, unknown> };
    const served = await objectInfoServer(catalogue);
    let clock = 1_000_000;
    const c = client(served.url, { now: () => clock });
    expect(Object.keys((await c.getNodeCatalogue()).catalogue)).toEqual(["A"]);
    // A custom node installed: not seen while the cached catalogue is young.
    catalogue.current = { A: definition("A"), B: definition("B") };
    clock += 30_000;
    expect(Object.keys((await c.getNodeCatalogue()).catalogue)).toEqual(["A"]);
    expect(served.requests()).toBe(1);
    // Past a minute: the old one at once, the new one for the next caller.
    clock += CATALOGUE_REVALIDATE_MS;
    expect(Object.keys((await c.getNodeCatalogue()).catalogue)).toEqual(["A"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(served.requests()).toBe(2);
    expect(Object.keys((await c.getNodeCatalogue()).catalogue)).toEqual(["A", "B"]);
  });

  it("keeps the cached catalogue when the refetch behind it fails", async () => {
    const catalogue = { current: { A: definition("A") } as Record<string, unknown> };
    const served = await objectInfoServer(catalogue);
    let clock = 0;
    const c = client(served.url, { now: () => clock });
    await c.getNodeCatalogue();
    catalogue.current = "not a catalogue" as unknown as Record<string, unknown>;
    clock += CATALOGUE_REVALIDATE_MS + 1;
    expect(Object.keys((await c.getNodeCatalogue()).catalogue)).toEqual(["A"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(Object.keys((await c.getNodeCatalogue()).catalogue)).toEqual(["A"]);
  });
});

describe("ComfyClient failure handling", () => {
  it("says plainly that a server refusing connections is unreachable", async () => {
    const url = await deadUrl();
    const c = client(url);
    await expect(c.getQueue()).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE", message: `ComfyUI at ${url} refused the connection (GET /queue); is it running?` });
  });

  it("fails a run at once while ComfyUI is down, and runs again once it is back", async () => {
    const s = await sim();
    const c = client(s.url);
    const socket = await c.connect();
    const down = new Promise((r) => socket.once("down", r));
    await s.stop();
    await down;
    await expect(c.runPrompt(simple())).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE", message: expect.stringContaining(`ComfyUI at ${s.url} did not accept a websocket connection`) });
    await s.start();
    expect(((await c.runPrompt(simple())) as RunOutcome).status).toBe("success");
  });

  it("opens the breaker after repeated failures, fails fast naming the URL, and probes after the cool-down", async () => {
    const server = await rawServer("hang-up");
    let now = 1_000;
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 5_000, now: () => now });
    const c = client(server.url, { breaker, retry: { attempts: 2, initialMs: 5 } });
    for (let i = 0; i < 2; i++) await expect(c.getQueue()).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE" });
    // Each GET was tried twice: connection resets are retried.
    expect(server.connections()).toBe(4);
    const fast = await c.getQueue().catch((e: unknown) => e);
    expect(isAppError(fast, "COMFYUI_UNREACHABLE")).toBe(true);
    expect((fast as Error).message).toMatch(new RegExp(`^ComfyUI at ${server.url} failed 2 times in a row, so Atelier is not contacting it for another 5 s`));
    expect(server.connections()).toBe(4);
    now += 5_000;
    expect(breaker.state).toBe("half_open");
    await expect(c.getQueue()).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE" });
    // One probe, not retried, then open again.
    expect(server.connections()).toBe(5);
    expect(breaker.state).toBe("open");
  });

  it("closes the breaker again once the server answers", async () => {
    const s = await sim();
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 1_000, now: () => now });
    breaker.recordFailure("earlier failure");
    const c = client(s.url, { breaker });
    await expect(c.getQueue()).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE" });
    now += 1_000;
    expect(await c.getQueueRemaining()).toBe(0);
    expect(breaker.state).toBe("closed");
  });

  it("probes past an open breaker: a server that came back is used at once, a dead one still fails naming the URL", async () => {
    const s = await sim();
    const now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 60_000, now: () => now });
    breaker.recordFailure("earlier failure");
    const c = client(s.url, { breaker });
    await expect(c.getQueue()).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE" });
    await c.probe();
    expect(breaker.state).toBe("closed");
    expect(await c.getQueueRemaining()).toBe(0);

    const dead = await rawServer("hang-up");
    const deadBreaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 60_000, now: () => now });
    deadBreaker.recordFailure("earlier failure");
    const d = client(dead.url, { breaker: deadBreaker, retry: { attempts: 3, initialMs: 5 } });
    await expect(d.probe()).rejects.toMatchObject({ code: "COMFYUI_UNREACHABLE", message: expect.stringContaining(dead.url) });
    // One attempt, no retries: the caller paces its own.
    expect(dead.connections()).toBe(1);
    expect(deadBreaker.state).toBe("open");
  });

  it("times out a server that accepts but never answers, without sending an Origin header", async () => {
    const server = await rawServer("silent");
    const c = client(server.url, { timeouts: { readMs: 150 } });
    const error = await c.getSystemStats().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "COMFYUI_TIMEOUT" });
    expect((error as Error).message).toBe(`ComfyUI at ${server.url} accepted GET /system_stats but did not finish answering within 0.2 s; it may be busy or stuck.`);
    // A read timeout is not retried: the server got the request.
    expect(server.connections()).toBe(1);
    expect(server.heads[0]).toMatch(/^GET \/system_stats HTTP\/1.1/);
    expect(server.heads[0]!.toLowerCase()).not.toContain("origin:");
  });

  it("does not retry a POST /prompt that may have reached the server", async () => {
    const server = await rawServer("silent");
    const c = client(server.url, { timeouts: { queueMs: 100 } });
    await expect(c.queuePrompt(simple())).rejects.toMatchObject({ code: "COMFYUI_TIMEOUT" });
    expect(server.connections()).toBe(1);
  });

  it("does not retry an HTTP error answer, and counts it as the server being there", async () => {
    const server = await rawServer("error500");
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 60_000 });
    const c = client(server.url, { breaker });
    await expect(c.getQueue()).rejects.toMatchObject({ code: "COMFYUI_REJECTED", message: `ComfyUI at ${server.url} answered 500 to GET /queue: Server boom.` });
    expect(server.connections()).toBe(1);
    expect(breaker.state).toBe("closed");
  });
});

describe("ComfySocket", () => {
  it("ignores unknown message types with a debug log and reconnects after a drop", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => wss.once("listening", r));
    defer(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as { port: number }).port;
    let connections = 0;
    const firstMessages: string[] = [];
    wss.on("connection", (ws, req) => {
      connections++;
      expect(req.headers.origin).toBeUndefined();
      ws.once("message", (d) => firstMessages.push(d.toString()));
      ws.send(JSON.stringify({ type: "crystools.monitor", data: { cpu: 1 } }));
      ws.send(JSON.stringify({ type: "status", data: { status: { exec_info: { queue_remaining: 0 } }, sid: "me" } }));
      if (connections === 1) setTimeout(() => ws.terminate(), 20);
    });
    const debug: string[] = [];
    const logger: Logger = { debug: (m, d) => debug.push(`${m} ${JSON.stringify(d)}`), warn: () => undefined };
    const socket = new ComfySocket({ baseUrl: `http://127.0.0.1:${port}`, clientId: "me", connectTimeoutMs: 1000, backoff: { initialMs: 10, maxMs: 50, factor: 2, jitter: 0 }, logger });
    defer(() => socket.close());
    const types: string[] = [];
    socket.on("message", (m) => types.push(m.type));
    const opens: boolean[] = [];
    const reopened = new Promise<void>((resolve) =>
      socket.on("open", ({ reconnected }) => {
        opens.push(reconnected);
        if (reconnected) resolve();
      }),
    );
    await socket.connect();
    await reopened;
    await new Promise((r) => setTimeout(r, 30));
    expect(opens).toEqual([false, true]);
    expect(types).toEqual(["status", "status"]);
    expect(debug.filter((d) => d.includes("crystools.monitor"))).toHaveLength(2);
    expect(firstMessages.map((m) => JSON.parse(m))).toEqual([
      { type: "feature_flags", data: { supports_preview_metadata: true } },
      { type: "feature_flags", data: { supports_preview_metadata: true } },
    ]);
  });

  it("backs off exponentially up to the maximum", () => {
    const options = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.2 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(options, a, () => 0.5))).toEqual([250, 500, 1000, 2000, 10000]);
    expect(backoffDelay(options, 0, () => 0)).toBe(200);
  });
});
