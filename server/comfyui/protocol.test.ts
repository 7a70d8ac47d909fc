import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  encodeBinaryFrame,
  parseBinaryFrame,
  parseWsJson,
  parseWsText,
  zApiPrompt,
  zHistory,
  zPromptAccepted,
  zPromptInfo,
  zPromptRejected,
  zQueue,
  zSystemStats,
} from "./protocol";

const capturesDir = join(import.meta.dirname, "../../../shared/comfyui");
const readCapture = (name: string): unknown => JSON.parse(readFileSync(join(capturesDir, name), "utf8"));

interface TraceMessage {
  seq: number;
  kind: "text" | "binary";
  data?: { type: string; data: unknown };
  event_type?: number;
  first8_hex?: string;
  node_id?: string;
  text?: string;
  metadata?: Record<string, unknown>;
  image_format?: string;
}
const traceFiles = readdirSync(capturesDir).filter((f) => f.startsWith("ws-trace-"));
const traces = traceFiles.map((f) => ({ file: f, trace: readCapture(f) as { messages: TraceMessage[]; message_types: string[] } }));

describe("parseWsText", () => {
  it.each(traces.map((t) => [t.file, t.trace] as const))("recognises every text message of %s", (_file, trace) => {
    const texts = trace.messages.filter((m) => m.kind === "text");
    expect(texts.length).toBeGreaterThan(0);
    for (const m of texts) {
      const parsed = parseWsText(JSON.stringify(m.data));
      expect(parsed.type, `seq ${m.seq}: ${JSON.stringify(parsed).slice(0, 300)}`).toBe(m.data!.type);
      expect(parsed).toEqual(m.data);
    }
  });

  it("recognises the WS messages recorded with the prompt error cases", () => {
    const cases = (readCapture("prompt-errors.json") as { cases: { ws_messages?: unknown[] }[] }).cases;
    const messages = cases.flatMap((c) => c.ws_messages ?? []);
    expect(messages.length).toBeGreaterThan(10);
    for (const m of messages) expect(parseWsJson(m).type).not.toBe("unknown");
  });

  it("turns an unknown message type into an unknown variant", () => {
    expect(parseWsText('{"type":"crystools.monitor","data":{"cpu":3}}')).toEqual({
      type: "unknown",
      rawType: "crystools.monitor",
      data: { cpu: 3 },
      reason: "unknown message type",
    });
  });

  it("turns a known type with malformed data into an unknown variant naming the field", () => {
    const parsed = parseWsText('{"type":"progress","data":{"value":"x","max":2,"prompt_id":"p","node":"4"}}');
    expect(parsed.type).toBe("unknown");
    expect(parsed).toMatchObject({ rawType: "progress", reason: expect.stringContaining("data.value") });
  });

  it("never throws on text that is not JSON or not an object", () => {
    expect(parseWsText("{nope")).toMatchObject({ type: "unknown", rawType: null });
    expect(parseWsText("[1,2]")).toMatchObject({ type: "unknown", rawType: null });
    expect(parseWsText("null")).toMatchObject({ type: "unknown", rawType: null });
  });

  it("accepts the short executing message a server replays on reconnect", () => {
    expect(parseWsText('{"type":"executing","data":{"node":"3"}}')).toEqual({ type: "executing", data: { node: "3" } });
  });
});

describe("parseBinaryFrame", () => {
  const png = Buffer.from(readFileSync(join(capturesDir, "view-output.png")));
  const binaries = traces.flatMap((t) => t.trace.messages.filter((m) => m.kind === "binary").map((m) => ({ file: t.file, m })));

  it("rebuilds and parses every captured binary frame", () => {
    expect(binaries.length).toBe(6);
    for (const { file, m } of binaries) {
      let frame: Buffer;
      if (m.event_type === 3) frame = encodeBinaryFrame({ type: "text", nodeId: m.node_id!, text: m.text! });
      else if (m.event_type === 4)
        frame = encodeBinaryFrame(
          { type: "preview_image_with_metadata", metadata: m.metadata as never, image: png },
          { encodeJson: (v) => JSON.stringify(v).replaceAll('":', '": ').replaceAll(',"', ', "') },
        );
      else frame = encodeBinaryFrame({ type: "preview_image", format: "png", formatCode: 2, image: png });
      expect(frame.subarray(0, 8).toString("hex"), `${file} seq ${m.seq}`).toBe(m.first8_hex);
      const parsed = parseBinaryFrame(frame);
      if (m.event_type === 3) expect(parsed).toEqual({ type: "text", nodeId: m.node_id, text: m.text });
      else if (m.event_type === 4) expect(parsed).toEqual({ type: "preview_image_with_metadata", metadata: m.metadata, image: png });
      else expect(parsed).toEqual({ type: "preview_image", format: "png", formatCode: 2, image: png });
    }
  });

  it("reports short, truncated and unknown frames instead of throwing", () => {
    expect(parseBinaryFrame(new Uint8Array([0, 0]))).toMatchObject({ type: "unknown_binary", eventType: null });
    expect(parseBinaryFrame(new Uint8Array([0, 0, 0, 3, 0, 0, 0, 9, 49]))).toMatchObject({ type: "unknown_binary", eventType: 3 });
    expect(parseBinaryFrame(new Uint8Array([0, 0, 0, 2, 1, 2, 3, 4]))).toMatchObject({ type: "unknown_binary", eventType: 2 });
    expect(parseBinaryFrame(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 255]))).toMatchObject({ type: "preview_image", format: "jpeg" });
  });
});

describe("HTTP body schemas", () => {
  it("parse every /prompt answer in prompt-errors.json (ok and error)", () => {
    const cases = (readCapture("prompt-errors.json") as { cases: { id: string; response: { status: number; body: unknown } }[] }).cases;
    for (const c of cases) {
      if (c.response.status === 200) expect(zPromptAccepted.safeParse(c.response.body).success, c.id).toBe(true);
      else if (c.response.status === 400) expect(zPromptRejected.safeParse(c.response.body).success, c.id).toBe(true);
    }
  });

  it("parse every captured /history entry", () => {
    for (const f of readdirSync(capturesDir).filter((n) => n.startsWith("history-"))) {
      const parsed = zHistory.safeParse(readCapture(f));
      expect(parsed.success, f).toBe(true);
    }
  });

  it("keep a node whose id is \"__proto__\" in prompts, node errors and history (JSON allows the key; a plain zod record drops it)", () => {
    const prompt = zApiPrompt.parse(JSON.parse('{"__proto__":{"class_type":"EmptyImage","inputs":{"__proto__":1,"width":64}},"2":{"class_type":"PreviewImage","inputs":{"images":["__proto__",0]}}}'));
    expect(Object.keys(prompt)).toEqual(["2", "__proto__"]);
    expect(Object.getPrototypeOf(prompt)).toBe(Object.prototype);
    expect(Object.keys(prompt["__proto__"]!.inputs)).toEqual(["__proto__", "width"]);
    const errors = zPromptRejected.parse(
      JSON.parse(
        '{"error":{"type":"prompt_outputs_failed_validation","message":"Prompt outputs failed validation","details":"","extra_info":{}},"node_errors":{"__proto__":{"errors":[],"dependent_outputs":["2"],"class_type":"EmptyImage"}}}',
      ),
    );
    expect(Object.keys(errors.node_errors)).toEqual(["__proto__"]);
    const history = zHistory.parse(JSON.parse('{"p1":{"prompt":[0,"p1",{},{},[]],"outputs":{"__proto__":{"images":[]}},"status":{"status_str":"success","completed":true,"messages":[]}}}'));
    expect(Object.keys(history.p1!.outputs)).toEqual(["__proto__"]);
  });

  it("parse the captured /queue, /prompt and /system_stats bodies", () => {
    expect(zQueue.parse(readCapture("queue-busy.json")).queue_pending.map((i) => i[0])).toEqual([15, 16, 17]);
    expect(zQueue.parse(readCapture("queue-empty.json"))).toEqual({ queue_running: [], queue_pending: [] });
    expect(zPromptInfo.parse(readCapture("prompt-get.json"))).toEqual({ exec_info: { queue_remaining: 0 } });
    expect(zSystemStats.parse(readCapture("system_stats.json")).system.comfyui_version).toBe("0.8.0");
  });
});
