// Run path latency with the ComfyUI simulator (in a process of its own, as
// ComfyUI is) and the real app server: (a) from the tRPC `run.start` call to
// the simulator receiving POST /prompt, and (b) from the simulator sending a
// `progress` websocket message to the matching node event reaching a tRPC
// subscriber, with the app server in this process; p50/p95 with 1 and 10
// concurrent runs. Then in Chromium (the app with its pages in a child
// process): (c) from the progress message to the step count changing in the
// run page's DOM, and (d) from the Run click in the editor to the simulator
// receiving POST /prompt: with 1 run, with 10 concurrent runs, and (a stress
// figure) 10 pages clicked at once.
// Times on both sides are wall-clock milliseconds (performance.timeOrigin +
// now()). BENCH_CPU=1 also prints the CPU time each process used while the
// clicks were timed; BENCH_PARTS=server,watch,clicks (any of them) measures
// only those parts; BENCH_DEBUG=1 splits out the first steps of each watched
// run; BENCH_SERVER_FLAGS passes Node flags to the app server (--cpu-prof…).
import { loadavg } from "node:os";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { chromium } from "@playwright/test";
import type { RunStreamEvent } from "@/lib/runs";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { startTestServer } from "@/server/testing/app-server";

const clock = () => performance.timeOrigin + performance.now();

// Every `progress` message the simulator sent, by prompt:node:value, and when each POST /prompt arrived at it, by
// Atelier's run id (in extra_pnginfo): told by the simulator's process (bench/probes/simulator-process.ts).
const progressSentAt = new Map<string, number>();
const promptReceivedAt = new Map<string, number>();

/** CPU time (clock ticks, 100 per second) used so far by each process of this bench: Chromium's by kind, the app server, the simulator, this process. */
function cpuTicks(appPid: number | undefined, simPid: number | undefined): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    const pid = Number(entry);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    let kind: string | null = null;
    if (pid === process.pid) kind = "bench (Playwright driver)";
    else if (pid === appPid) kind = "app server";
    else if (pid === simPid) kind = "simulator";
    else if (cmdline.includes("chromium") || cmdline.includes("chrome")) {
      const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
      const sub = /--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1];
      kind = `chromium ${type ?? "browser"}${sub ? ` (${sub})` : ""}`;
    }
    if (kind) byKind.set(kind, (byKind.get(kind) ?? 0) + ticks);
  }
  return byKind;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>, into: Map<string, number>): void {
  for (const [kind, t] of after) into.set(kind, (into.get(kind) ?? 0) + t - (before.get(kind) ?? 0));
}

const parts = (process.env.BENCH_PARTS ?? "server,watch,clicks").split(",").map((p) => p.trim());
const part = (name: "server" | "watch" | "clicks") => parts.includes(name);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms, p95 ${percentile(xs, 95).toFixed(2)} ms (n=${xs.length})`;

// The simulator in a process of its own, as ComfyUI is: here it would share an event loop with the app server of
// the first figures and with the Playwright driver of the others.
const sim = await startSimulatorProcess();
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
  const got: [string, number][] = [];
  await new Promise<void>((resolve, reject) => {
    const sub = api.run.onEvents.subscribe(
      { runId: started.id },
      {
        onData: (data) => {
          const e = data as RunStreamEvent;
          if (e.type === "node" && e.node.state === "running" && e.node.max > 0) got.push([`${promptId}:${e.nodeId}:${e.node.value}`, clock()]);
          if (e.type === "end" || (e.type === "snapshot" && !["pending", "queued", "running"].includes(e.run.status))) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  // Every line the simulator wrote before this answer has been read: the send times of this run's messages are in.
  await sim.sync();
  for (const [key, at] of got) {
    const sent = progressSentAt.get(key);
    if (sent !== undefined) toSubscriber.push(at - sent);
  }
  const received = promptReceivedAt.get(started.id);
  if (received !== undefined) toPrompt.push(received - t0);
}

// Warm up: websocket connection, catalogue cache, JIT.
await oneRun([], []);

for (const concurrency of part("server") ? [1, 10] : []) {
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
  const server = spawn(process.execPath, ["--import", "tsx", "--import", probe, ...(process.env.BENCH_SERVER_FLAGS?.split(" ") ?? []), "server/main.ts"], {
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
    for (const concurrency of part("watch") ? [1, 10] : []) {
      const deltas: number[] = [];
      const firstSteps: number[] = [];
      const firstSplit: string[] = [];
      const laterSteps: number[] = [];
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
            if (sent !== undefined && process.env.BENCH_DEBUG) (Number(value) <= 5 ? firstSteps : laterSteps).push(at - sent);
            const got = received.get(value);
            if (sent !== undefined && got !== undefined) {
              toPage.push(got - sent);
              inPage.push(at - got);
              if (process.env.BENCH_DEBUG && Number(value) <= 5) firstSplit.push(`${(got - sent).toFixed(1)}+${(at - got).toFixed(1)}`);
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
      if (process.env.BENCH_DEBUG) console.log(`  (debug) steps 1–5 of each run: ${fmt(firstSteps)}; later steps: ${fmt(laterSteps)}; first steps as to page + in page: ${firstSplit.join(" ")}`);
    }

    // (d) The Run button in the editor, three ways:
    //  - 1 page: ComfyUI busy with a blocker run meanwhile (as it often is), so the simulator's own image work
    //    (synchronous in its one thread, unlike ComfyUI, which executes in a thread of its own) cannot hold up the POSTs.
    //  - 10 concurrent runs: ten editor pages; page 0's run is executing (its page drawing every progress step), pages
    //    1–8 have runs queued behind it, and page 9's Run click, the tenth run, is timed; then that run is cancelled and
    //    page 9 clicks again. This is the issue's "10 concurrent runs".
    //  - 10 pages clicked at the same moment: a stress figure. Every page's click lands within a few milliseconds, and
    //    ten renderers, the browser, the app server and the simulator then share this machine's two cores. The clicks
    //    go to precomputed points (page.mouse), not through locator.click, whose checks (several round trips into each
    //    renderer per click) would load the very cores the other pages' timed requests need; a person's click has none.
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
    type EditorPage = { page: Awaited<ReturnType<typeof browser.newPage>>; workflowId: string };
    type ClickFigures = { deltas: number[]; inPage: number[]; toServer: number[]; inServer: number[]; cpu: Map<string, number> };
    const newFigures = (): ClickFigures => ({ deltas: [], inPage: [], toServer: [], inServer: [], cpu: new Map() });
    const readyButton = '.run-button:enabled:text-is("Run")[title="Run on ComfyUI (Ctrl+Enter)"]';
    const openEditors = async (count: number, steps: (i: number) => number): Promise<EditorPage[]> => {
      const pages: EditorPage[] = [];
      for (let i = 0; i < count; i++) {
        const wf = await post<{ id: string }>("workflow.create", { name: `click bench ${i}`, document: txt2img(steps(i)) });
        const page = await browser.newPage();
        await page.addInitScript(clickScript);
        await page.goto(`http://127.0.0.1:${port}/workflows/${wf.id}`);
        await page.locator(".react-flow__node").first().waitFor();
        pages.push({ page, workflowId: wf.id });
      }
      return pages;
    };
    const latestRunOf = async (workflowId: string): Promise<string> => {
      const list = (await (await fetch(`http://127.0.0.1:${port}/api/trpc/run.list?input=${encodeURIComponent(JSON.stringify({ workflowId, limit: 1 }))}`)).json()) as { result: { data: { runs: { id: string }[] } } };
      return list.result.data.runs[0]?.id ?? "";
    };
    /** Clicks Run on the given pages together and waits for their prompts; returns the new runs' ids. */
    const clickAndTime = async (clicked: EditorPage[], figures: ClickFigures, how: "locator" | "mouse"): Promise<string[]> => {
      for (const { page } of clicked) await page.locator(readyButton).waitFor({ timeout: 60_000 });
      const boxes = await Promise.all(clicked.map(({ page }) => page.locator(".run-button").boundingBox()));
      const before = new Set(promptReceivedAt.keys());
      const cpuBefore = cpuTicks(server.pid, sim.pid);
      if (how === "mouse") await Promise.all(clicked.map(({ page }, i) => page.mouse.click(boxes[i]!.x + boxes[i]!.width / 2, boxes[i]!.y + boxes[i]!.height / 2)));
      else await Promise.all(clicked.map(({ page }) => page.locator(".run-button").click()));
      const deadline = Date.now() + 60_000;
      while ([...promptReceivedAt.keys()].filter((k) => !before.has(k)).length < clicked.length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
      cpuDelta(cpuBefore, cpuTicks(server.pid, sim.pid), figures.cpu);
      const runIds: string[] = [];
      for (const { page, workflowId } of clicked) {
        const clickedAt = ((await page.evaluate("window.__clicks")) as number[]).at(-1)!;
        const fetchedAt = ((await page.evaluate("window.__fetches")) as number[]).at(-1)!;
        // This page's run: the newest run of its workflow.
        const runId = await latestRunOf(workflowId);
        const received = promptReceivedAt.get(runId);
        if (received === undefined || before.has(runId)) continue;
        runIds.push(runId);
        figures.deltas.push(received - clickedAt);
        figures.inPage.push(fetchedAt - clickedAt);
        const arrived = arrivedAt.get(workflowId);
        if (arrived !== undefined && arrived >= fetchedAt - 1) {
          figures.toServer.push(arrived - fetchedAt);
          figures.inServer.push(received - arrived);
        }
      }
      return runIds;
    };
    const report = (title: string, f: ClickFigures) => {
      console.log(
        `${title}:\n` +
          `  Run click → simulator receives /prompt: ${fmt(f.deltas)}\n` +
          `  of which Run click → run.start request sent by the page: ${fmt(f.inPage)}\n` +
          `           request sent → request reaches the app server: ${fmt(f.toServer)}\n` +
          `           app server → simulator receives /prompt (tRPC, compile, SQLite, POST): ${fmt(f.inServer)}`,
      );
      if (process.env.BENCH_CPU) for (const [kind, t] of [...f.cpu].sort((a, b) => b[1] - a[1])) if (t > 0) console.log(`  CPU from the clicks to the last /prompt, all clicks: ${kind} ${t * 10} ms`);
    };

    if (part("clicks")) {
      {
        const figures = newFigures();
        const pages = await openEditors(1, () => 2);
        for (let r = 0; r < 10; r++) {
          const blocker = await post<{ id: string; status: string }>("run.start", { document: txt2img(10_000) });
          await clickAndTime(pages, figures, "locator");
          await post("run.cancel", { runId: blocker.id });
          await sim.whenIdle();
        }
        for (const { page } of pages) await page.close();
        report("1 editor page, Run clicked", figures);
      }

      {
        const figures = newFigures();
        // Page 0 runs 10,000 steps (40 s at 4 ms a step: it executes throughout); the others 2 steps, held in the queue behind it.
        const pages = await openEditors(10, (i) => (i === 0 ? 10_000 : 2));
        await clickAndTime(pages.slice(0, 1), newFigures(), "locator");
        for (const p of pages.slice(1, 9)) await clickAndTime([p], newFigures(), "locator");
        const timed = pages[9]!;
        for (let r = 0; r < 40; r++) {
          const [runId] = await clickAndTime([timed], figures, "locator");
          if (runId) await post("run.cancel", { runId });
          // Let the cancel land and the page settle before the next click.
          await timed.page.locator(readyButton).waitFor({ timeout: 60_000 });
          await new Promise((res) => setTimeout(res, 100));
        }
        for (const p of pages.slice(0, 9)) {
          const runId = await latestRunOf(p.workflowId);
          if (runId) await post("run.cancel", { runId });
        }
        await sim.whenIdle();
        for (const { page } of pages) await page.close();
        report("10 concurrent runs (one executing, eight queued, each on its editor page), Run clicked on a tenth page", figures);
      }

      {
        const figures = newFigures();
        const pages = await openEditors(10, () => 2);
        for (let r = 0; r < 3; r++) {
          const blocker = await post<{ id: string; status: string }>("run.start", { document: txt2img(10_000) });
          await clickAndTime(pages, figures, "mouse");
          await post("run.cancel", { runId: blocker.id });
          await sim.whenIdle();
        }
        for (const { page } of pages) await page.close();
        report("Stress: 10 editor pages, Run clicked on each at the same moment", figures);
      }
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** bench/probes/simulator-process.ts in a child: its prompt arrivals and progress sends go into the maps above. */
async function startSimulatorProcess(): Promise<{ url: string; pid: number | undefined; whenIdle: () => Promise<void>; sync: () => Promise<void>; close: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "probes", "simulator-process.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const idleWaiters: (() => void)[] = [];
  const syncWaiters: (() => void)[] = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`the simulator process exited with ${code}`)));
    lines.on("line", (line) => {
      const [tag, kind, key, at] = line.split(" ");
      if (tag !== "sim-probe") return;
      if (kind === "ready") resolve(key!);
      else if (kind === "progress") progressSentAt.set(key!, Number(at));
      else if (kind === "queued") promptReceivedAt.set(key!, Number(at));
      else if (kind === "idle") idleWaiters.shift()?.();
      else if (kind === "pong") syncWaiters.shift()?.();
    });
  });
  return {
    url,
    pid: child.pid,
    sync: () =>
      new Promise<void>((resolve) => {
        syncWaiters.push(resolve);
        child.stdin!.write("ping?\n");
      }),
    whenIdle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        child.stdin!.write("idle?\n");
      }),
    close: () => child.kill("SIGTERM"),
  };
}

await measureInChromium();
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
sim.close();
process.exit(0);
