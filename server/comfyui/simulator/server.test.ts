import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { decodePng, encodePng } from "./png";
import { startSimulator, type Simulator, type SimulatorOptions } from "./server";

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(options: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ nodeDelayMs: 1, stepDelayMs: 1, ...options });
  sims.push(s);
  return s;
}

interface Msg {
  type: string;
  data: Record<string, unknown>;
}

/** Posts a prompt over a fresh websocket and collects the text messages until the end marker. */
async function run(s: Simulator, prompt: Record<string, unknown>, clientId = "c1"): Promise<{ status: number; body: Record<string, unknown>; messages: Msg[] }> {
  const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=${clientId}`);
  const messages: Msg[] = [];
  let promptId: string | null = null;
  let onEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (onEnd = resolve));
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    const m = JSON.parse(data.toString()) as Msg;
    messages.push(m);
    if (m.type === "executing" && m.data.node === null && m.data.prompt_id === promptId) onEnd();
  });
  await new Promise((r) => ws.once("open", r));
  const res = await fetch(`${s.url}/prompt`, { method: "POST", body: JSON.stringify({ prompt, client_id: clientId }) });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status === 200) {
    promptId = body.prompt_id as string;
    if (messages.some((m) => m.type === "executing" && m.data.node === null && m.data.prompt_id === promptId)) onEnd();
    await ended;
  }
  ws.close();
  return { status: res.status, body, messages };
}

const txt2img = (seed: number, ckpt = "sim-sd15.safetensors") => ({
  "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: ckpt } },
  "5": { class_type: "EmptyLatentImage", inputs: { width: 64, height: 48, batch_size: 1 } },
  "6": { class_type: "CLIPTextEncode", inputs: { text: "a lighthouse", clip: ["4", 1] } },
  "7": { class_type: "CLIPTextEncode", inputs: { text: "blurry", clip: ["4", 1] } },
  "3": {
    class_type: "KSampler",
    inputs: { seed, steps: 4, cfg: 7, sampler_name: "euler", scheduler: "normal", denoise: 1, model: ["4", 0], positive: ["6", 0], negative: ["7", 0], latent_image: ["5", 0] },
  },
  "8": { class_type: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
  "9": { class_type: "SaveImage", inputs: { filename_prefix: "txt2img", images: ["8", 0] } },
});

async function viewPng(s: Simulator, ref: { filename: string; subfolder: string; type: string }) {
  const res = await fetch(`${s.url}/view?${new URLSearchParams(ref)}`);
  expect(res.status).toBe(200);
  return decodePng(Buffer.from(await res.arrayBuffer()))!;
}

describe("simulator", () => {
  it("runs a txt2img graph with sampler step progress and saves a PNG that depends on the seed", async () => {
    const s = await sim();
    const first = await run(s, txt2img(1));
    expect(first.status).toBe(200);
    const progress = first.messages.filter((m) => m.type === "progress").map((m) => [m.data.node, m.data.value, m.data.max]);
    expect(progress).toEqual([["3", 1, 4], ["3", 2, 4], ["3", 3, 4], ["3", 4, 4]]);
    const executed = first.messages.find((m) => m.type === "executed")!.data;
    expect(executed.output).toEqual({ images: [{ filename: "txt2img_00001_.png", subfolder: "", type: "output" }] });
    const second = await run(s, txt2img(2));
    const executed2 = second.messages.find((m) => m.type === "executed")!.data.output as { images: { filename: string; subfolder: string; type: string }[] };
    expect(executed2.images[0]!.filename).toBe("txt2img_00002_.png");
    const a = await viewPng(s, { filename: "txt2img_00001_.png", subfolder: "", type: "output" });
    const b = await viewPng(s, executed2.images[0]!);
    expect([a.width, a.height]).toEqual([64, 48]);
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(false);
    // Only what the seed feeds re-runs; the loaders and encoders come from the cache.
    expect(second.messages.find((m) => m.type === "execution_cached")!.data.nodes).toEqual(["4", "5", "6", "7"]);
  });

  it("interrupts a sampler between steps, failing the sampler node itself", async () => {
    const s = await sim({ stepDelayMs: 30 });
    const prompt = txt2img(5);
    (prompt["3"].inputs as Record<string, unknown>).steps = 50;
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=k1`);
    const messages: Msg[] = [];
    let promptId = "";
    const ended = new Promise<void>((resolve) =>
      ws.on("message", (d) => {
        const m = JSON.parse(d.toString()) as Msg;
        messages.push(m);
        if (m.type === "progress" && m.data.value === 3) void fetch(`${s.url}/interrupt`, { method: "POST" });
        if (m.type === "executing" && m.data.node === null && m.data.prompt_id === promptId) resolve();
      }),
    );
    await new Promise((r) => ws.once("open", r));
    promptId = ((await (await fetch(`${s.url}/prompt`, { method: "POST", body: JSON.stringify({ prompt, client_id: "k1" }) })).json()) as { prompt_id: string }).prompt_id;
    await ended;
    ws.close();
    expect(messages.find((m) => m.type === "execution_interrupted")!.data).toMatchObject({ node_id: "3", node_type: "KSampler" });
    const steps = messages.filter((m) => m.type === "progress").length;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(steps).toBeLessThan(50);
  });

  it("rejects a checkpoint that is not in the fake models list, and serves the list in /object_info", async () => {
    const s = await sim({ models: { checkpoints: ["only.safetensors"] } });
    const res = await run(s, txt2img(1, "missing.safetensors"));
    expect(res.status).toBe(400);
    const errors = (res.body.node_errors as Record<string, { errors: { type: string; details: string }[] }>)["4"]!.errors;
    expect(errors).toEqual([expect.objectContaining({ type: "value_not_in_list", details: "ckpt_name: 'missing.safetensors' not in ['only.safetensors']" })]);
    const info = (await (await fetch(`${s.url}/api/object_info/CheckpointLoaderSimple`)).json()) as Record<string, { input: { required: { ckpt_name: unknown[] } } }>;
    expect(info.CheckpointLoaderSimple!.input.required.ckpt_name[0]).toEqual(["only.safetensors"]);
    expect(await (await fetch(`${s.url}/models/checkpoints`)).json()).toEqual(["only.safetensors"]);
  });

  it("runs identical sibling nodes once, like ComfyUI's signature-keyed cache", async () => {
    const s = await sim();
    const prompt = {
      "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color: 5 } },
      "2": { class_type: "ImageInvert", inputs: { image: ["1", 0] } },
      "3": { class_type: "ImageInvert", inputs: { image: ["1", 0] } },
      "4": { class_type: "PreviewImage", inputs: { images: ["2", 0] } },
      "5": { class_type: "PreviewImage", inputs: { images: ["3", 0] } },
    };
    const { messages } = await run(s, prompt);
    const executing = messages.filter((m) => m.type === "executing" && m.data.node !== null).map((m) => m.data.node);
    expect(executing).toEqual(["1", "3", "5"]);
    const executed = messages.filter((m) => m.type === "executed").map((m) => [m.data.node, m.data.output === null]);
    expect(executed).toEqual([["5", false], ["2", true], ["4", false]]);
  });

  it("uploads an image that LoadImage then lists, validates and loads", async () => {
    const s = await sim();
    const png = encodePng({ width: 4, height: 2, channels: 3, pixels: new Uint8Array(24).fill(200) });
    const upload = async () => {
      const form = new FormData();
      form.append("image", new Blob([new Uint8Array(png)], { type: "image/png" }), "photo.png");
      form.append("type", "input");
      const res = await fetch(`${s.url}/upload/image`, { method: "POST", body: form });
      return res.json();
    };
    expect(await upload()).toEqual({ name: "photo.png", subfolder: "", type: "input" });
    // The same bytes under the same name are recognised as a duplicate, not renamed.
    expect(await upload()).toEqual({ name: "photo.png", subfolder: "", type: "input" });
    const info = (await (await fetch(`${s.url}/object_info/LoadImage`)).json()) as { LoadImage: { input: { required: { image: unknown[] } } } };
    expect(info.LoadImage.input.required.image[0]).toEqual(["example.png", "photo.png"]);
    const res = await run(s, {
      "1": { class_type: "LoadImage", inputs: { image: "photo.png" } },
      "2": { class_type: "GetImageSize", inputs: { image: ["1", 0] } },
      "3": { class_type: "PreviewAny", inputs: { source: ["2", 0] } },
    });
    expect(res.messages.find((m) => m.type === "executed")!.data.output).toEqual({ text: ["4"] });
  });

  it("keeps running through stop() and answers /history after start()", async () => {
    const s = await sim({ nodeDelayMs: 40 });
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=c9`);
    await new Promise((r) => ws.once("open", r));
    const closed = new Promise((r) => ws.once("close", r));
    const res = await fetch(`${s.url}/prompt`, {
      method: "POST",
      body: JSON.stringify({ client_id: "c9", prompt: { "1": { class_type: "PrimitiveString", inputs: { value: "x" } }, "2": { class_type: "PreviewAny", inputs: { source: ["1", 0] } } } }),
    });
    const { prompt_id } = (await res.json()) as { prompt_id: string };
    await s.stop();
    await closed;
    await expect(fetch(`${s.url}/queue`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    await s.start();
    const history = (await (await fetch(`${s.url}/history/${prompt_id}`)).json()) as Record<string, { outputs: unknown; status: { status_str: string } }>;
    expect(history[prompt_id]!.status.status_str).toBe("success");
    expect(history[prompt_id]!.outputs).toEqual({ "2": { text: ["x"] } });
  });

  it("tells a client that reconnects mid-run which node is executing", async () => {
    const s = await sim({ nodeDelayMs: 150 });
    await fetch(`${s.url}/prompt`, {
      method: "POST",
      body: JSON.stringify({ client_id: "c7", prompt: { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color: 1 } }, "2": { class_type: "PreviewImage", inputs: { images: ["1", 0] } } } }),
    });
    await new Promise((r) => setTimeout(r, 50));
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=c7`);
    const first: Msg[] = [];
    await new Promise<void>((resolve) =>
      ws.on("message", (d) => {
        first.push(JSON.parse(d.toString()) as Msg);
        if (first.length === 2) resolve();
      }),
    );
    ws.close();
    expect(first.map((m) => m.type)).toEqual(["status", "executing"]);
    expect(first[1]!.data).toEqual({ node: "1" });
  });

  it("sends a prompt's messages only to the client id that queued it, as ComfyUI does (status goes to everyone)", async () => {
    const s = await sim();
    const bystander = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=bystander`);
    const overheard: Msg[] = [];
    bystander.on("message", (d, isBinary) => {
      if (!isBinary) overheard.push(JSON.parse(d.toString()) as Msg);
    });
    await new Promise((r) => bystander.once("open", r));
    const { messages } = await run(s, txt2img(5), "queuer");
    bystander.close();
    expect(messages.filter((m) => m.type === "progress").length).toBe(4);
    expect([...new Set(overheard.map((m) => m.type))]).toEqual(["status"]);
  });

  it("serves /history paging, POST /history delete and /api/jobs", async () => {
    const s = await sim();
    const ids: string[] = [];
    for (const color of [1, 2, 3]) {
      const r = await run(s, { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color } }, "2": { class_type: "SaveImage", inputs: { images: ["1", 0], filename_prefix: "h" } } });
      ids.push(r.body.prompt_id as string);
    }
    expect(Object.keys((await (await fetch(`${s.url}/history?max_items=2`)).json()) as object)).toEqual(ids.slice(1));
    const jobs = (await (await fetch(`${s.url}/api/jobs?limit=2`)).json()) as { jobs: { id: string; status: string }[]; pagination: unknown };
    expect(jobs.jobs.map((j) => [j.id, j.status])).toEqual([[ids[2], "completed"], [ids[1], "completed"]]);
    expect(jobs.pagination).toEqual({ offset: 0, limit: 2, total: 3, has_more: true });
    await fetch(`${s.url}/history`, { method: "POST", body: JSON.stringify({ delete: [ids[0]] }) });
    expect(Object.keys((await (await fetch(`${s.url}/history`)).json()) as object)).toEqual(ids.slice(1));
    expect(await (await fetch(`${s.url}/history/${ids[0]}`)).json()).toEqual({});
  });

  it("ignores an interrupt that names a prompt other than the running one", async () => {
    const s = await sim({ nodeDelayMs: 100 });
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=i1`);
    const types: string[] = [];
    let promptId = "";
    const ended = new Promise<void>((resolve) =>
      ws.on("message", (d) => {
        const m = JSON.parse(d.toString()) as Msg;
        types.push(m.type);
        if (m.type === "executing" && m.data.node === "1") void fetch(`${s.url}/interrupt`, { method: "POST", body: JSON.stringify({ prompt_id: "someone-else" }) });
        if (m.type === "executing" && m.data.node === null && m.data.prompt_id === promptId) resolve();
      }),
    );
    await new Promise((r) => ws.once("open", r));
    const res = await fetch(`${s.url}/prompt`, {
      method: "POST",
      body: JSON.stringify({ client_id: "i1", prompt: { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color: 3 } }, "2": { class_type: "PreviewImage", inputs: { images: ["1", 0] } } } }),
    });
    promptId = ((await res.json()) as { prompt_id: string }).prompt_id;
    await ended;
    ws.close();
    expect(types).toContain("execution_success");
    expect(types).not.toContain("execution_interrupted");
  });

  it("answers unknown routes and wrong methods as aiohttp does", async () => {
    const s = await sim();
    const missing = await fetch(`${s.url}/nope`);
    expect([missing.status, await missing.text()]).toEqual([404, "404: Not Found"]);
    const wrong = await fetch(`${s.url}/interrupt`);
    expect([wrong.status, await wrong.text()]).toEqual([405, "405: Method Not Allowed"]);
  });
});

describe("npm run sim (main.ts)", () => {
  it("starts on the requested port and prints its URL", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-sim-main-"));
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "main.ts"), "--port", "0", "--data", dataDir, "--delay", "1"], {
      cwd: join(import.meta.dirname, "../../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`sim exited with ${code}: ${out}`)));
      });
      const stats = (await (await fetch(`${url}/api/system_stats`)).json()) as { system: { comfyui_version: string } };
      expect(stats.system.comfyui_version).toBe("0.8.0");
    } finally {
      child.kill("SIGTERM");
    }
  });
});
