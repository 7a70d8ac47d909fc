// Started by run.bench.ts for its Chromium figures: the ComfyUI simulator in a process of its own, as ComfyUI is,
// so the Playwright driver in the bench's process never holds it up. Prints (wall-clock ms) when each POST /prompt
// arrived, by the Atelier run id in its extra_pnginfo, and when each `progress` message left; "idle" answers to an
// "idle?" line on stdin once nothing is queued or running, "pong" to "ping?" at once.
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { startSimulator } from "@/server/comfyui";

const clock = () => performance.timeOrigin + performance.now();
const out = (line: string) => process.stdout.write(`${line}\n`);

const send = WebSocket.prototype.send;
WebSocket.prototype.send = function sendAndTell(this: WebSocket, data: unknown, ...rest: unknown[]) {
  if (typeof data === "string" && data.includes('"progress"')) {
    const m = JSON.parse(data) as { type?: string; data?: { prompt_id?: string; node?: string; value?: number } };
    if (m.type === "progress" && m.data) out(`sim-probe progress ${m.data.prompt_id}:${m.data.node}:${m.data.value} ${clock()}`);
  }
  return (send as (...a: unknown[]) => void).call(this, data, ...rest);
} as typeof WebSocket.prototype.send;

const sim = await startSimulator({
  nodeDelayMs: 1,
  stepDelayMs: 4,
  now: clock,
  onPromptQueued: ({ receivedAt, extraData }) => {
    const runId = (extraData.extra_pnginfo as { atelier?: { runId?: string } } | undefined)?.atelier?.runId;
    if (runId) out(`sim-probe queued ${runId} ${receivedAt}`);
  },
});
out(`sim-probe ready ${sim.url}`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "idle?") {
    await sim.whenIdle();
    out("sim-probe idle");
  }
  // Answered in order: every line written before it has been written.
  if (line === "ping?") out("sim-probe pong");
}
await sim.close();
