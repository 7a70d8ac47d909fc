// Run path latency with the ComfyUI simulator and the real app server, all
// in this process: (a) from the tRPC `run.start` call to the simulator
// receiving POST /prompt, and (b) from the simulator sending a `progress`
// websocket message to the matching node event reaching a tRPC subscriber.
// p50/p95 with 1 and 10 concurrent runs. Then in Chromium (the app with its
// pages in a child process, the simulator here): (c) from the progress
// message to the step count changing in the run page's DOM, and (d) from the
// Run click in the editor to the simulator receiving POST /prompt. Times on
// both sides are wall-clock milliseconds (performance.timeOrigin + now()).
import { loadavg } from "node:os";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { chromium } from "@playwright/test";
import WebSocket from "ws";
import type { RunStreamEvent } from "@/lib/runs";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { startSimulator } from "@/server/comfyui";
import { startTestServer } from "@/server/testing/app-server";

const clock = () => performance.timeOrigin + performance.now();

// Every `progress` message the simulator sends, by prompt:node:value.
const progressSentAt = new Map<string, number>();
const originalSend = WebSocket.prototype.send;
WebSocket.prototype.send = function patchedSend(this: WebSocket, data: unknown, ...rest: unknown[]) {
  if (typeof data === "string" && data.includes('"progress"')) {
    try {
      const m = JSON.parse(data) as { type?: string; data?: { prompt_id?: string; node?: string; value?: number } };
      if (m.type === "progress" && m.data) progressSentAt.set(`${m.data.prompt_id}:${m.data.node}:${m.data.value}`, clock());
    } catch {
      // not a ComfyUI message
    }
  }
  return (originalSend as (...a: unknown[]) => void).call(this, data, ...rest);
} as typeof WebSocket.prototype.send;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms, p95 ${percentile(xs, 95).toFixed(2)} ms (n=${xs.length})`;

// When each POST /prompt arrived at the simulator, by Atelier's run id (in extra_pnginfo).
const promptReceivedAt = new Map<string, number>();
const sim = await startSimulator({
  nodeDelayMs: 1,
  stepDelayMs: 4,
  now: clock,
  onPromptQueued: ({ receivedAt, extraData }) => {
    const runId = (extraData.extra_pnginfo as { atelier?: { runId?: string } } | undefined)?.atelier?.runId;
    if (runId) promptReceivedAt.set(runId, receivedAt);
  },
});
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const app = await startTestServer({ COMFYUI_URL: sim.url });
const api = app.client();
let seed = 1;

async function oneRun(toPrompt: number[], toSubscriber: number[]): Promise<void> {
  const doc = buildDocument(buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 20, seed: seed++ }));
  const t0 = clock();
  const started = await api.run.start.mutate({ document: doc });
  if (!started.promptId) throw new Error(`run not queued: ${started.status} ${started.detail ?? ""}`);
  const promptId = started.promptId;
  await new Promise<void>((resolve, reject) => {
    const sub = api.run.onEvents.subscribe(
      { runId: started.id },
      {
        onData: (data) => {
          const e = data as RunStreamEvent;
          if (e.type === "node" && e.node.state === "running" && e.node.max > 0) {
            const sent = progressSentAt.get(`${promptId}:${e.nodeId}:${e.node.value}`);
            if (sent !== undefined) toSubscriber.push(clock() - sent);
          }
          if (e.type === "end" || (e.type === "snapshot" && !["pending", "queued", "running"].includes(e.run.status))) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  const received = promptReceivedAt.get(started.id);
  if (received !== undefined) toPrompt.push(received - t0);
}

// Warm up: websocket connection, catalogue cache, JIT.
await oneRun([], []);

for (const concurrency of [1, 10]) {
  const toPrompt: number[] = [];
  const toSubscriber: number[] = [];
  const rounds = concurrency === 1 ? 20 : 3;
  for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: concurrency }, () => oneRun(toPrompt, toSubscriber)));
  console.log(`${concurrency} concurrent run${concurrency > 1 ? "s" : ""}:`);
  console.log(`  run.start → simulator receives /prompt: ${fmt(toPrompt)}`);
  console.log(`  ComfyUI progress message → tRPC subscriber: ${fmt(toSubscriber)}`);
}

await app.stop();

/** (c) and (d): the run page and the editor in Chromium; needs a production build (`next build`). */
async function measureInChromium(): Promise<void> {
  const root = join(import.meta.dirname, "..");
  if (!existsSync(join(root, ".next", "BUILD_ID")) || !existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) {
    console.log("Chromium figures: skipped (needs `next build` and /usr/bin/chromium)");
    return;
  }
  const port = 3393;
  const dataDir = mkdtempSync(join(tmpdir(), "atelier-run-bench-"));
  // The probe prints when each request a bench page tagged reached the server (for the Run click phases below).
  const probe = pathToFileURL(join(import.meta.dirname, "probes", "request-arrival.mjs")).href;
  const server = spawn(process.execPath, ["--import", "tsx", "--import", probe, "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), ATELIER_DATA_DIR: dataDir, COMFYUI_URL: sim.url, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const arrivedAt = new Map<string, number>();
  server.stdout!.on("data", (d: Buffer) => {
    for (const m of d.toString().matchAll(/^bench-probe arrived (\S+) ([\d.]+)$/gm)) arrivedAt.set(m[1]!, Number(m[2]));
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on("data", (d: Buffer) => d.toString().includes("ready on") && resolve());
    server.on("exit", (code) => reject(new Error(`app server exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const post = async <T = { id: string; promptId: string }>(path: string, data: unknown): Promise<T> =>
    ((await (await fetch(`http://127.0.0.1:${port}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data) })).json()) as { result: { data: T } }).result.data;
  const txt2img = (steps: number) => buildDocument(buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps, seed: seed++ }));
  try {
    const watchScript = `(() => {
      const seen = [];
      window.__seen = seen;
      new MutationObserver(() => {
        const row = [...document.querySelectorAll('[data-testid="run-nodes"] tbody tr')].find((tr) => tr.firstElementChild?.textContent === "3");
        const label = row?.querySelector('[data-testid="node-run-badge"]')?.textContent ?? "";
        if (/^\\d+\\/\\d+$/.test(label) && (seen.length === 0 || seen[seen.length - 1][0] !== label)) seen.push([label, performance.timeOrigin + performance.now()]);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`;
    // When the page's tRPC websocket delivered each running-node event of node 3 (a listener added before tRPC's).
    const receiveScript = `(() => {
      window.__received = [];
      const Base = window.WebSocket;
      window.WebSocket = class extends Base {
        constructor(...args) {
          super(...args);
          this.addEventListener("message", (e) => {
            if (typeof e.data !== "string" || !e.data.includes('"nodeId":"3"') || !e.data.includes('"running"')) return;
            const value = /"value":(\\d+)/.exec(e.data);
            if (value) window.__received.push([value[1], performance.timeOrigin + performance.now()]);
          });
        }
      };
    })()`;
    // (c) 1 run, then 10 runs each watched on its own page (ComfyUI executes them one after another, the pages all listen).
    for (const concurrency of [1, 10]) {
      const deltas: number[] = [];
      const toPage: number[] = [];
      const inPage: number[] = [];
      for (let r = 0; r < (concurrency === 1 ? 3 : 1); r++) {
        // Hold the runs in the queue behind a blocker until every page is subscribed, then cancel it.
        // 10,000 steps (ComfyUI's maximum) at 4 ms: 40 s, far longer than opening the pages.
        const blocker = await post<{ id: string; status: string }>("run.start", { document: txt2img(10_000) });
        if (blocker.status !== "queued" && blocker.status !== "running") throw new Error(`the blocker run was not queued: ${blocker.status}`);
        const runs = [];
        for (let i = 0; i < concurrency; i++) runs.push(await post("run.start", { document: txt2img(60) }));
        const pages = [];
        for (const run of runs) {
          const page = await browser.newPage();
          await page.addInitScript(receiveScript);
          await page.goto(`http://127.0.0.1:${port}/runs/${run.id}`);
          await page.getByTestId("run-nodes").waitFor();
          await page.evaluate(watchScript);
          pages.push({ page, run });
        }
        await post("run.cancel", { runId: blocker.id });
        for (const { page, run } of pages) {
          await page.getByTestId("run-status").filter({ hasText: "done" }).waitFor({ timeout: 120_000 });
          const seen = (await page.evaluate("window.__seen")) as [string, number][];
          const received = new Map((await page.evaluate("window.__received")) as [string, number][]);
          for (const [label, at] of seen) {
            const value = label.split("/")[0]!;
            const sent = progressSentAt.get(`${run.promptId}:3:${value}`);
            if (sent !== undefined) deltas.push(at - sent);
            const got = received.get(value);
            if (sent !== undefined && got !== undefined) {
              toPage.push(got - sent);
              inPage.push(at - got);
            }
          }
          await page.close();
        }
      }
      console.log(
        `${concurrency} run${concurrency > 1 ? "s" : ""} watched in Chromium, one page each:\n  ComfyUI progress message → run page DOM: ${fmt(deltas)}\n` +
          // The node event can ride on the progress_state the simulator sends just before `progress`: a few are negative.
          `  of which progress message → the page's websocket delivers the node event: ${fmt(toPage)}\n` +
          `           node event delivered → DOM: ${fmt(inPage)}`,
      );
    }

    // (d) The Run button in the editor, 1 page and then 10 pages clicked together. ComfyUI is busy with a blocker run
    // meanwhile (as it often is), so the simulator's own image work (synchronous in its one thread, unlike ComfyUI,
    // which executes in a thread of its own) cannot hold up the POSTs being timed.
    const clickScript = `(() => {
      window.__clicks = [];
      window.__fetches = [];
      document.addEventListener("click", (e) => {
        if (e.target instanceof Element && e.target.closest(".run-button")) window.__clicks.push(performance.timeOrigin + e.timeStamp);
      }, { capture: true });
      const fetch = window.fetch;
      window.fetch = function (url, init) {
        if (String(url).includes("run.start")) {
          window.__fetches.push(performance.timeOrigin + performance.now());
          // Tagged with this page's workflow, so the server-side probe can say when this request arrived.
          const headers = new Headers(init?.headers);
          headers.set("x-bench-page", location.pathname.split("/").pop());
          init = { ...init, headers };
        }
        return fetch.call(this, url, init);
      };
    })()`;
    for (const concurrency of [1, 10]) {
      const deltas: number[] = [];
      const inPage: number[] = [];
      const toServer: number[] = [];
      const inServer: number[] = [];
      const pages = [];
      for (let i = 0; i < concurrency; i++) {
        const wf = await post<{ id: string }>("workflow.create", { name: `click bench ${i}`, document: txt2img(2) });
        const page = await browser.newPage();
        await page.addInitScript(clickScript);
        await page.goto(`http://127.0.0.1:${port}/workflows/${wf.id}`);
        await page.locator(".react-flow__node").first().waitFor();
        pages.push({ page, workflowId: wf.id });
      }
      for (let r = 0; r < (concurrency === 1 ? 10 : 3); r++) {
        const blocker = await post<{ id: string; status: string }>("run.start", { document: txt2img(10_000) });
        // Ready: enabled, showing "Run" (not a run in flight), with the connected server's node definitions.
        for (const { page } of pages) await page.locator('.run-button:enabled:text-is("Run")[title="Run on ComfyUI (Ctrl+Enter)"]').waitFor({ timeout: 60_000 });
        const before = new Set(promptReceivedAt.keys());
        await Promise.all(pages.map(({ page }) => page.locator(".run-button").click()));
        const deadline = Date.now() + 60_000;
        while ([...promptReceivedAt.keys()].filter((k) => !before.has(k)).length < concurrency && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
        for (const { page, workflowId } of pages) {
          const clickedAt = ((await page.evaluate("window.__clicks")) as number[]).at(-1)!;
          const fetchedAt = ((await page.evaluate("window.__fetches")) as number[]).at(-1)!;
          // This page's run: the newest run of its workflow.
          const list = (await (await fetch(`http://127.0.0.1:${port}/api/trpc/run.list?input=${encodeURIComponent(JSON.stringify({ workflowId, limit: 1 }))}`)).json()) as { result: { data: { runs: { id: string }[] } } };
          const runId = list.result.data.runs[0]?.id ?? "";
          const received = promptReceivedAt.get(runId);
          if (received !== undefined && !before.has(runId)) {
            deltas.push(received - clickedAt);
            inPage.push(fetchedAt - clickedAt);
            const arrived = arrivedAt.get(workflowId);
            if (arrived !== undefined && arrived >= fetchedAt - 1) {
              toServer.push(arrived - fetchedAt);
              inServer.push(received - arrived);
            }
          }
        }
        await post("run.cancel", { runId: blocker.id });
        await sim.whenIdle();
      }
      for (const { page } of pages) await page.close();
      console.log(
        `${concurrency} editor page${concurrency > 1 ? "s" : ""}, Run clicked${concurrency > 1 ? " on each at once" : ""}:\n` +
          `  Run click → simulator receives /prompt: ${fmt(deltas)}\n` +
          `  of which Run click → run.start request sent by the page: ${fmt(inPage)}\n` +
          `           request sent → request reaches the app server: ${fmt(toServer)}\n` +
          `           app server → simulator receives /prompt (tRPC, compile, SQLite, POST): ${fmt(inServer)}`,
      );
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await measureInChromium();
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
await sim.close();
process.exit(0);
