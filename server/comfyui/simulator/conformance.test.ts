import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import { parseBinaryFrame } from "../protocol";
import { decodePng } from "./png";
import { startSimulator, type Simulator, type SimulatorOptions } from "./server";

/**
 * Replays every capture in shared/comfyui against the simulator and compares
 * what comes back with what the real ComfyUI 0.8.0 sent: the same message
 * types in the same order, the same field names, the same node ids, cached
 * lists, outputs (modulo random temp prefixes) and error bodies.
 */

const capturesDir = join(import.meta.dirname, "../../../../shared/comfyui");
const read = <T = unknown>(name: string): T => JSON.parse(readFileSync(join(capturesDir, name), "utf8")) as T;
const catalogue = read<NodeCatalogue>("object_info.json");

interface CapturedMessage {
  seq: number;
  kind: "text" | "binary";
  data?: { type: string; data: Record<string, unknown> };
  event_type?: number;
  first8_hex?: string;
  node_id?: string;
  text?: string;
  metadata?: Record<string, unknown>;
}
interface Trace {
  name: string;
  client_id: string;
  feature_flags_sent: Record<string, unknown> | null;
  prompt_request: { prompt: Record<string, unknown>; client_id: string };
  prompt_response: { status: number; body: Record<string, unknown> };
  history_file: string;
  messages: CapturedMessage[];
}
type Received = { kind: "text"; data: { type: string; data: Record<string, unknown> } } | { kind: "binary"; frame: Buffer };

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function simWith(options: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ models: {}, nodeDelayMs: 2, stepDelayMs: 1, ...options });
  sims.push(s);
  return s;
}

const sim = (options: SimulatorOptions = {}) => simWith({ catalogue, ...options });

class Socket {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const buf = data as Buffer;
      this.received.push(isBinary ? { kind: "binary", frame: buf } : { kind: "text", data: JSON.parse(buf.toString("utf8")) });
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(s: Simulator, clientId: string, flags?: Record<string, unknown> | null): Promise<Socket> {
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=${clientId}`);
    const socket = new Socket(ws);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    if (flags) ws.send(JSON.stringify({ type: "feature_flags", data: flags }));
    await socket.waitFor((r) => r.some((m) => m.kind === "text" && m.data.type === (flags ? "feature_flags" : "status")));
    return socket;
  }
  waitFor(done: (received: Received[]) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${this.received.map((m) => (m.kind === "text" ? m.data.type : "binary")).join(",")}`)), timeoutMs);
      const check = () => {
        if (done(this.received)) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }
  /** Waits for `executing` with node null for this prompt: ComfyUI's end-of-prompt marker. */
  waitForEnd(promptId: string): Promise<void> {
    return this.waitFor((r) => r.some((m) => m.kind === "text" && m.data.type === "executing" && m.data.data.node === null && m.data.data.prompt_id === promptId));
  }
  close(): void {
    this.ws.close();
  }
}

async function post(s: Simulator, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get("content-type"), text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function get(s: Simulator, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get("content-type"), body, json: () => JSON.parse(body.toString("utf8")) as unknown };
}

/** Field names (recursively) with value kinds, ignoring values: what "same shape" means. */
function shape(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

const normaliseFiles = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/ComfyUI_temp_[a-z]{5}_/g, "ComfyUI_temp_xxxxx_"));
const describeMessage = (m: Received | CapturedMessage) => (m.kind === "text" ? m.data!.type : `binary`);

/** Compares a received WS sequence with a captured one, message by message. */
function expectSameMessages(captured: CapturedMessage[], received: Received[]): void {
  expect(received.map(describeMessage)).toEqual(captured.map(describeMessage));
  captured.forEach((c, i) => {
    const r = received[i]!;
    const where = `message ${i} (${describeMessage(c)})`;
    if (c.kind === "binary" || r.kind === "binary") {
      expect(r.kind, where).toBe("binary");
      const frame = (r as { frame: Buffer }).frame;
      const parsed = parseBinaryFrame(frame);
      if (c.event_type === 3) expect(parsed, where).toEqual({ type: "text", nodeId: c.node_id, text: c.text });
      else if (c.event_type === 4) {
        expect(parsed.type, where).toBe("preview_image_with_metadata");
        const { metadata, image } = parsed as { metadata: Record<string, unknown>; image: Uint8Array };
        expect(shape(metadata), where).toEqual(shape(c.metadata));
        expect({ ...metadata, prompt_id: "" }, where).toEqual({ ...c.metadata, prompt_id: "" });
        expect(decodePng(image), where).not.toBeNull();
      } else {
        expect(frame.subarray(0, 8).toString("hex"), where).toBe(c.first8_hex);
        expect(decodePng(frame.subarray(8)), where).not.toBeNull();
      }
      return;
    }
    const cap = c.data!;
    const got = r.data;
    expect(shape(got), where).toEqual(shape(cap));
    const d = got.data;
    const e = cap.data;
    switch (cap.type) {
      case "status":
        expect(d, where).toEqual("sid" in e ? { ...e, sid: d.sid } : e);
        break;
      case "feature_flags":
        expect(d, where).toEqual(e);
        break;
      case "execution_cached":
        expect(d.nodes, where).toEqual(e.nodes);
        break;
      case "executing":
      case "progress":
      case "executed":
        expect(normaliseFiles({ ...d, prompt_id: "" }), where).toEqual(normaliseFiles({ ...e, prompt_id: "" }));
        break;
      case "progress_state": {
        const strip = (nodes: Record<string, Record<string, unknown>>) => Object.entries(nodes).map(([id, n]) => [id, n.state, n.value, n.max, n.node_id]);
        expect(strip(d.nodes as never), where).toEqual(strip(e.nodes as never));
        break;
      }
      case "execution_error":
      case "execution_interrupted":
        expect([d.node_id, d.node_type, [...(d.executed as string[])].sort()], where).toEqual([e.node_id, e.node_type, [...(e.executed as string[])].sort()]);
        if (cap.type === "execution_error") {
          expect(d.exception_type, where).toBe(e.exception_type);
          expect(d.current_inputs, where).toEqual(e.current_inputs);
          expect([...(d.current_outputs as string[])].sort(), where).toEqual([...(e.current_outputs as string[])].sort());
        }
        break;
    }
  });
}

interface HistoryFileEntry {
  prompt: [number, string, Record<string, unknown>, Record<string, unknown>, string[]];
  outputs: Record<string, unknown>;
  status: { status_str: string; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, unknown>;
}

async function expectSameHistory(s: Simulator, promptId: string, capturedFile: HistoryFileEntry): Promise<void> {
  const body = (await get(s, `/history/${promptId}`)).json() as Record<string, HistoryFileEntry>;
  expect(Object.keys(body)).toEqual([promptId]);
  const ours = body[promptId]!;
  expect(shape(ours)).toEqual(shape(capturedFile));
  expect(ours.prompt[2]).toEqual(capturedFile.prompt[2]);
  expect(Object.keys(ours.prompt[3]).sort()).toEqual(Object.keys(capturedFile.prompt[3]).sort());
  expect([...ours.prompt[4]].sort()).toEqual([...capturedFile.prompt[4]].sort());
  expect(normaliseFiles(ours.outputs)).toEqual(normaliseFiles(capturedFile.outputs));
  expect(Object.keys(ours.outputs)).toEqual(Object.keys(capturedFile.outputs));
  expect(ours.meta).toEqual(capturedFile.meta);
  expect([ours.status.status_str, ours.status.completed]).toEqual([capturedFile.status.status_str, capturedFile.status.completed]);
  expect(ours.status.messages.map(([t, d]) => [t, shape(d)])).toEqual(capturedFile.status.messages.map(([t, d]) => [t, shape(d)]));
  // Every image an output lists can be fetched from /view (output and temp alike, as view-output.json / view-temp.json).
  for (const output of Object.values(ours.outputs) as { images?: { filename: string; subfolder: string; type: string }[] }[]) {
    for (const image of output.images ?? []) {
      const res = await get(s, `/view?${new URLSearchParams(image)}`);
      expect([res.status, res.contentType, decodePng(res.body) !== null], image.filename).toEqual([200, "image/png", true]);
    }
  }
}

async function replayTrace(s: Simulator, name: string): Promise<string> {
  const trace = read<Trace>(`ws-trace-${name}.json`);
  const socket = await Socket.open(s, trace.client_id, trace.feature_flags_sent);
  const res = await post(s, "/prompt", trace.prompt_request);
  expect(res.status).toBe(trace.prompt_response.status);
  expect(res.contentType).toBe("application/json; charset=utf-8");
  const body = res.json();
  expect(shape(body)).toEqual(shape(trace.prompt_response.body));
  expect(body.node_errors).toEqual({});
  const promptId = body.prompt_id as string;
  await socket.waitForEnd(promptId);
  socket.close();
  expectSameMessages(trace.messages, socket.received);
  const history = read<Record<string, HistoryFileEntry>>(trace.history_file);
  await expectSameHistory(s, promptId, Object.values(history)[0]!);
  return promptId;
}

// The traces replay against the captured /object_info and against the bundled catalogue the simulator serves by default.
describe.each([
  ["the captured object_info", catalogue],
  ["the bundled catalogue", undefined],
] as const)("simulator conformance with the captured ws traces, validating with %s", (_name, nodeCatalogue) => {
  const sim = (options: SimulatorOptions = {}) => simWith({ catalogue: nodeCatalogue, ...options });

  it("simple-run1 then the fully cached simple-run2", async () => {
    const s = await sim();
    await replayTrace(s, "simple-run1");
    await replayTrace(s, "simple-run2");
  });

  it("branch-run1, the cached branch-run2 and the partial re-run branch-run3", async () => {
    const s = await sim();
    await replayTrace(s, "branch-run1");
    await replayTrace(s, "branch-run2");
    await replayTrace(s, "branch-run3-partial");
  });

  it("wsbinary-flags: previews with metadata (type 4) after the feature_flags handshake", async () => {
    await replayTrace(await sim(), "wsbinary-flags");
  });

  it("wsbinary-noflags: legacy previews (type 1) without feature_flags", async () => {
    await replayTrace(await sim(), "wsbinary-noflags");
  });

  it("execerror: RegexReplace with an unclosed group fails with execution_error", async () => {
    await replayTrace(await sim(), "execerror");
  });

  it("interrupt: queue delete and clear while running, then POST /interrupt during node 2", async () => {
    // Generous node times keep the HTTP round trips (queue ops, interrupt) inside the node they target, even on a loaded machine.
    const s = await sim({ nodeDelayMs: (classType) => (classType === "EmptyImage" ? 150 : 600) });
    const trace = read<Trace>("ws-trace-interrupt.json");
    const busy = read<{ queue_pending: [number, string, Record<string, unknown>, Record<string, unknown>, string[]][] }>("queue-busy.json");
    const ops = read<{ post_queue_delete: { status: number; content_type: string; body_raw: string }; post_interrupt: { status: number; content_type: string } }>("queue-ops.json");
    const socket = await Socket.open(s, trace.client_id);

    const a = (await post(s, "/prompt", trace.prompt_request)).json().prompt_id as string;
    const others: string[] = [];
    for (const item of busy.queue_pending) {
      others.push((await post(s, "/prompt", { prompt: item[2], client_id: trace.client_id })).json().prompt_id as string);
    }
    const queue = (await get(s, "/queue")).json() as { queue_running: unknown[][]; queue_pending: unknown[][] };
    expect(shape(queue)).toEqual(shape(read("queue-busy.json")));
    expect([queue.queue_running.map((i) => i[1]), queue.queue_pending.map((i) => i[1])]).toEqual([[a], others]);
    expect(shape(queue.queue_pending[0])).toEqual(shape(busy.queue_pending[0]));

    const del = await post(s, "/queue", { delete: [others[0]] });
    expect([del.status, del.contentType, del.text]).toEqual([ops.post_queue_delete.status, ops.post_queue_delete.content_type, ops.post_queue_delete.body_raw]);
    expect(((await get(s, "/queue")).json() as { queue_pending: unknown[][] }).queue_pending.map((i) => i[1])).toEqual(others.slice(1));
    await post(s, "/queue", { clear: true });
    expect(((await get(s, "/queue")).json() as { queue_pending: unknown[] }).queue_pending).toEqual([]);

    await socket.waitFor((r) => r.some((m) => m.kind === "text" && m.data.type === "executing" && m.data.data.node === "2"));
    const interrupt = await post(s, "/interrupt", "");
    expect([interrupt.status, interrupt.contentType, interrupt.text]).toEqual([ops.post_interrupt.status, ops.post_interrupt.content_type, ""]);
    await socket.waitForEnd(a);
    socket.close();

    // Status messages interleave with the run by wall-clock timing; compare them apart from the rest.
    const isStatus = (m: Received | CapturedMessage) => m.kind === "text" && m.data!.type === "status";
    expectSameMessages(trace.messages.filter((m) => !isStatus(m)), socket.received.filter((m) => !isStatus(m)));
    const queueRemaining = (ms: (Received | CapturedMessage)[]) => ms.filter(isStatus).map((m) => ((m as { data: { data: Record<string, unknown> } }).data.data.status as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining);
    expect(queueRemaining(socket.received)).toEqual(queueRemaining(trace.messages));
    await expectSameHistory(s, a, Object.values(read<Record<string, HistoryFileEntry>>(trace.history_file))[0]!);
  });
});

interface ErrorCase {
  id: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown; body_raw?: string };
  response: { status: number; content_type: string; body: unknown; body_kind?: string };
  response_raw: string;
  ws_message_types?: string[] | null;
  history?: Record<string, HistoryFileEntry>;
}

const dropTracebacks = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v), (key, value) => (key === "traceback" ? [] : value));

describe("simulator conformance with prompt-errors.json", () => {
  const { cases } = read<{ cases: ErrorCase[] }>("prompt-errors.json");

  it.each(cases.map((c) => [c.id, c] as const))("%s answers like ComfyUI", async (_id, c) => {
    const s = await sim();
    const clientId = (c.request.body as { client_id?: string } | null)?.client_id;
    const socket = clientId ? await Socket.open(s, clientId) : null;
    const res =
      c.request.method === "GET"
        ? await get(s, c.request.path, c.request.headers).then((r) => ({ status: r.status, contentType: r.contentType, text: r.body.toString("utf8") }))
        : await post(s, c.request.path, c.request.body_raw ?? c.request.body, c.request.headers);
    expect(res.status).toBe(c.response.status);
    expect(res.contentType).toBe(c.response.content_type);
    if (c.response.status === 200) {
      const body = JSON.parse(res.text) as Record<string, unknown>;
      expect(shape(body)).toEqual(shape(c.response.body));
      expect(body.node_errors).toEqual((c.response.body as Record<string, unknown>).node_errors);
      await socket!.waitForEnd(body.prompt_id as string);
      expect(socket!.received.map(describeMessage)).toEqual(c.ws_message_types);
      await expectSameHistory(s, body.prompt_id as string, Object.values(c.history!)[0]!);
    } else if (c.response.body_kind === "json" && c.response.body !== null) {
      // Exactly ComfyUI's body, except the Python tracebacks.
      expect(dropTracebacks(JSON.parse(res.text))).toEqual(dropTracebacks(c.response.body));
      expect(socket!.received.map(describeMessage)).toEqual(c.ws_message_types);
    } else {
      expect(res.text).toBe(c.response_raw);
    }
    socket?.close();
  });

  it("byte-for-byte bodies match where there is no traceback", async () => {
    const s = await sim();
    for (const c of cases.filter((c) => c.response.status === 400 && !c.response_raw.includes("traceback"))) {
      const res = await post(s, c.request.path, c.request.body);
      expect(res.text, c.id).toBe(c.response_raw);
    }
  });

  it("OPTIONS and the websocket are refused for a foreign Origin too", async () => {
    const s = await sim();
    const res = await fetch(`${s.url}/prompt`, { method: "OPTIONS", headers: { Origin: "http://localhost:5173" } });
    expect([res.status, await res.text()]).toEqual([403, ""]);
    const same = await fetch(`${s.url}/prompt`, { method: "OPTIONS", headers: { Origin: s.url } });
    expect(same.status).toBe(200);
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/ws?clientId=x`, { origin: "http://evil.example" });
    const status = await new Promise<number>((resolve) => ws.on("unexpected-response", (_req, r) => resolve(r.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it("a linear chain of 985 nodes is rejected like Python's RecursionError, naming node 6; 984 nodes pass", async () => {
    const s = await sim({ nodeDelayMs: 0 });
    const chain = (n: number) => {
      const prompt: Record<string, unknown> = { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color: n } } };
      for (let i = 2; i < n; i++) prompt[String(i)] = { class_type: "ImageInvert", inputs: { image: [String(i - 1), 0] } };
      prompt[String(n)] = { class_type: "SaveImage", inputs: { images: [String(n - 1), 0], filename_prefix: "chain" } };
      return { prompt };
    };
    const rejected = await post(s, "/prompt", chain(985));
    expect(rejected.status).toBe(400);
    const body = rejected.json() as { error: { type: string }; node_errors: Record<string, { errors: { type: string; extra_info: { exception_type: string } }[]; dependent_outputs: string[] }> };
    expect(body.error.type).toBe("prompt_outputs_failed_validation");
    expect(Object.keys(body.node_errors)).toEqual(["6"]);
    expect(body.node_errors["6"]!.errors[0]!.type).toBe("exception_during_inner_validation");
    expect(body.node_errors["6"]!.errors[0]!.extra_info.exception_type).toBe("RecursionError");
    expect(body.node_errors["6"]!.dependent_outputs).toEqual(["985"]);
    expect(Object.keys((await post(s, "/prompt", chain(1000))).json().node_errors as object)).toEqual(["21"]);
    expect((await post(s, "/prompt", chain(984))).status).toBe(200);
  });
});

describe("simulator conformance with the traffic volumes in timings.json", () => {
  const volume = read<{ ws_volume_one_client: { runs: { shape: string; nodes: number; messages: Record<string, number> }[] } }>("timings.json").ws_volume_one_client.runs;

  // gen_chain.mjs, rewritten: EmptyImage -> ImageInvert chain -> SaveImage, or a heap-ordered ImageInvert tree with a PreviewImage per leaf.
  const generate = (shape: string, n: number): Record<string, unknown> => {
    const prompt: Record<string, unknown> = { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } };
    if (shape === "chain") {
      for (let i = 2; i <= n - 1; i++) prompt[String(i)] = { class_type: "ImageInvert", inputs: { image: [String(i - 1), 0] } };
      prompt[String(n)] = { class_type: "SaveImage", inputs: { images: [String(n - 1), 0], filename_prefix: "bench_chain" } };
      return prompt;
    }
    let m = 1;
    while (1 + (m + 1) + Math.ceil((m + 1) / 2) <= n) m++;
    const id = (k: number) => String(k + 1);
    for (let k = 1; k <= m; k++) prompt[id(k)] = { class_type: "ImageInvert", inputs: { image: [k === 1 ? "1" : id(Math.floor(k / 2)), 0] } };
    let next = m + 2;
    for (let k = 1; k <= m; k++) if (2 * k > m) prompt[String(next++)] = { class_type: "PreviewImage", inputs: { images: [id(k), 0] } };
    return prompt;
  };

  it.each(volume.filter((r) => r.nodes <= 100).map((r) => [r.shape, r.nodes, r.messages] as const))(
    "an uncached %s of %i nodes sends as many messages of each type as ComfyUI did",
    async (shape, nodes, messages) => {
      const s = await sim({ nodeDelayMs: 0 });
      const socket = await Socket.open(s, "volume");
      const res = await post(s, "/prompt", { prompt: generate(shape, nodes), client_id: "volume" });
      await socket.waitForEnd(res.json().prompt_id as string);
      socket.close();
      const counts: Record<string, number> = {};
      for (const m of socket.received) if (m.kind === "text") counts[m.data.type] = (counts[m.data.type] ?? 0) + 1;
      // The capture counted 3 status messages where a client connected before the POST gets 4 (connect, queued, started, done); compare the rest exactly.
      const { status: _ours, ...rest } = counts;
      const { status: _theirs, ...expected } = messages;
      expect(rest).toEqual(expected);
    },
  );
});

describe("simulator conformance with the other captured endpoints", () => {
  it("answers every GET in endpoints.json with the captured status, content type and body", async () => {
    const s = await sim();
    const endpoints = read<{ file: string; request: string; status: number; content_type: string }[]>("endpoints.json");
    for (const e of endpoints) {
      const path = e.request.replace(/^GET /, "");
      for (const prefix of ["", "/api"]) {
        const res = await get(s, prefix + path);
        expect([res.status, res.contentType], prefix + path).toEqual([e.status, e.content_type]);
        const captured = read(e.file);
        if (e.file === "system_stats.json") expect(shape(res.json())).toEqual(shape(captured));
        else expect(res.json(), prefix + path).toEqual(captured);
      }
    }
  });

  it("/api/jobs and /api/jobs/<id> have the captured shape", async () => {
    const s = await sim();
    const first = await replayTrace(s, "simple-run1");
    const second = await replayTrace(s, "simple-run2");
    const jobs = read<Record<string, Record<string, unknown>>>("jobs.json");
    const list = (await get(s, "/api/jobs?limit=2")).json() as { jobs: { id: string }[] };
    expect(shape(list)).toEqual(shape(jobs["GET /api/jobs?limit=2"]));
    expect(list.jobs.map((j) => j.id)).toEqual([second, first]);
    const one = (await get(s, `/api/jobs/${second}`)).json() as Record<string, Record<string, unknown>>;
    // The capture replaced the prompt object by a placeholder string; output node ids differ by graph.
    const captured = jobs["GET /api/jobs/{id}"] as Record<string, Record<string, unknown>>;
    const normalise = (job: Record<string, Record<string, unknown>>) => ({ ...job, outputs: Object.values(job.outputs!), workflow: { ...job.workflow, prompt: "" } });
    expect(shape(normalise(one))).toEqual(shape(normalise(captured)));
  });

  it("/view of a missing file is 404 with an empty body", async () => {
    const s = await sim();
    const missing = read<{ request: string; status: number; content_type: string }>("view-missing.json");
    const res = await get(s, missing.request.replace(/^GET /, ""));
    expect([res.status, res.contentType, res.body.length]).toEqual([missing.status, missing.content_type, 0]);
  });

  it("/view serves the saved PNG of simple-run1: 128x96, inverted orange", async () => {
    const s = await sim();
    await replayTrace(s, "simple-run1");
    const view = read<{ request: string; status: number; content_type: string; first8_hex: string }>("view-output.json");
    const res = await get(s, view.request.replace(/^GET /, ""));
    expect([res.status, res.contentType, res.body.subarray(0, 8).toString("hex")]).toEqual([view.status, view.content_type, view.first8_hex]);
    const png = decodePng(res.body)!;
    expect([png.width, png.height, ...png.pixels.subarray(0, 3)]).toEqual([128, 96, 0, 127, 255]);
    expect(JSON.parse(png.text.prompt!)).toEqual(read<Trace>("ws-trace-simple-run1.json").prompt_request.prompt);
  });
});
