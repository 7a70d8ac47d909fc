// The ComfyUI layer against the simulator: POST /prompt latency for the graph
// shapes of shared/comfyui/timings.json (ComfyUI 0.8.0 figures beside ours),
// and one uncached run of a tree graph followed by ComfyClient, showing how
// much progress_state traffic arrives versus how many node changes we forward.
import { ComfyClient, type RunEvent } from "../server/comfyui/client";
import { CircuitBreaker } from "../server/comfyui/breaker";
import { ProgressStateTracker } from "../server/comfyui/progress-tracker";
import { parseWsText, type ApiPrompt, type ProgressStateData } from "../server/comfyui/protocol";
import { NodeExecutionError } from "../server/comfyui/simulator/nodes";
import { startSimulator } from "../server/comfyui/simulator/server";

function chain(n: number, color: number): ApiPrompt {
  const prompt: ApiPrompt = { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color } } };
  for (let i = 2; i <= n - 1; i++) prompt[String(i)] = { class_type: "ImageInvert", inputs: { image: [String(i - 1), 0] } };
  prompt[String(n)] = { class_type: "SaveImage", inputs: { images: [String(n - 1), 0], filename_prefix: "bench_chain" } };
  return prompt;
}

function tree(n: number, color: number): ApiPrompt {
  let m = 1;
  while (1 + (m + 1) + Math.ceil((m + 1) / 2) <= n) m++;
  const prompt: ApiPrompt = { "1": { class_type: "EmptyImage", inputs: { width: 8, height: 8, batch_size: 1, color } } };
  const id = (k: number) => String(k + 1);
  for (let k = 1; k <= m; k++) prompt[id(k)] = { class_type: "ImageInvert", inputs: { image: [k === 1 ? "1" : id(Math.floor(k / 2)), 0] } };
  let next = m + 2;
  for (let k = 1; k <= m; k++) if (2 * k > m) prompt[String(next++)] = { class_type: "PreviewImage", inputs: { images: [id(k), 0] } };
  return prompt;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const comfy: Record<string, [number, number]> = {
  "chain 100": [4.63, 200],
  "chain 1000": [8.69, 400],
  "chain 5000": [16.82, 400],
  "tree 100": [4.33, 200],
  "tree 1000": [18.08, 200],
  "tree 5000": [35.6, 200],
};

// For POST timings the first node fails, so each queued run ends at once and no run overlaps a timed POST.
const postSim = await startSimulator({
  nodeDelayMs: 0,
  behaviours: {
    EmptyImage: {
      execute: () => {
        throw new NodeExecutionError("BenchStop", "stopping the run: only the POST is measured");
      },
    },
  },
});
const postClient = new ComfyClient({ baseUrl: postSim.url, breaker: new CircuitBreaker({ failureThreshold: 5, coolDownMs: 1000 }) });
const sim = await startSimulator({ nodeDelayMs: 0, stepDelayMs: 0 });
const client = new ComfyClient({ baseUrl: sim.url, breaker: new CircuitBreaker({ failureThreshold: 5, coolDownMs: 1000 }) });

console.log("POST /prompt, median of 5 (ms) | ComfyUI 0.8.0 (ms, status)");
let color = 1;
for (const [shape, make] of [["chain", chain], ["tree", tree]] as const) {
  for (const n of [100, 1000, 5000]) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ prompt: make(n, color++), client_id: "bench" });
      const t0 = performance.now();
      const res = await fetch(`${postSim.url}/prompt`, { method: "POST", body });
      await res.text();
      times.push(performance.now() - t0);
      status = res.status;
      // Keep runs out of the timed POSTs, as the capture did.
      while ((await postClient.getQueueRemaining()) > 0) await new Promise((r) => setTimeout(r, 20));
    }
    const [ms, st] = comfy[`${shape} ${n}`]!;
    console.log(`  ${shape} ${String(n).padStart(4)}: ${median(times).toFixed(2).padStart(7)} ms, ${status} | ${ms} ms, ${st}`);
  }
}

for (const n of [100, 1000]) {
  let nodeEvents = 0;
  let events = 0;
  const received = { messages: 0, bytes: 0 };
  const unsubscribe = client.subscribe((e) => {
    if (e.kind === "message") {
      received.messages++;
      received.bytes += JSON.stringify(e.message).length;
    }
  });
  const t0 = performance.now();
  const outcome = await client.runPrompt(tree(n, color++), {
    onEvent: (e: RunEvent) => {
      events++;
      if (e.type === "node") nodeEvents++;
    },
  });
  const ms = performance.now() - t0;
  unsubscribe();
  console.log(
    `uncached tree run, ${n} nodes: ${outcome.status} in ${ms.toFixed(0)} ms; ws messages ${received.messages} (${(received.bytes / 1e6).toFixed(1)} MB of JSON), ` +
      `run events forwarded ${events} (node changes ${nodeEvents})`,
  );
}

{
  // One progress_state of a 1000-node run (~180 kB): what parsing and tracking cost per message.
  const nodes: ProgressStateData["nodes"] = {};
  for (let i = 1; i <= 1000; i++) {
    nodes[String(i)] = { value: 1, max: 1, state: "finished", node_id: String(i), prompt_id: "p", display_node_id: String(i), parent_node_id: null, real_node_id: String(i) };
  }
  const text = JSON.stringify({ type: "progress_state", data: { prompt_id: "p", nodes } });
  const tracker = new ProgressStateTracker();
  const rounds = 200;
  let t0 = performance.now();
  for (let i = 0; i < rounds; i++) JSON.parse(text);
  const jsonMs = (performance.now() - t0) / rounds;
  t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const m = parseWsText(text);
    if (m.type === "progress_state") tracker.update(m.data);
  }
  const ourMs = (performance.now() - t0) / rounds;
  console.log(`progress_state of 1000 nodes (${(text.length / 1000).toFixed(0)} kB): JSON.parse ${jsonMs.toFixed(2)} ms, parseWsText + tracker ${ourMs.toFixed(2)} ms per message`);
}

client.close();
postClient.close();
await sim.close();
await postSim.close();
