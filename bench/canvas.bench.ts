// Canvas speed in Debian's Chromium through Playwright: time from navigation
// to an interactive canvas at 500 and 2,000 nodes, and the median frame time
// while dragging a node at 1,000 nodes, for Atelier's editor and for a bare
// React Flow page drawing the same graph with default nodes.
// Targets (issue 4): 2,000 nodes interactive < 1.5 s; drag median < 16 ms at
// 1,000 nodes; within 1.3× of the bare page.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "@playwright/test";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { createNode } from "@/lib/graph/edit";
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, asEdgeId, asNodeId, type WorkflowDocument } from "@/lib/graph/model";

const root = join(import.meta.dirname, "..");
const port = 3391;
const base = `http://127.0.0.1:${port}`;

/** A wide image-processing graph: chains of Invert/Blur/Sharpen hanging off EmptyImage sources, 20 columns of nodes. */
function makeDocument(n: number): WorkflowDocument {
  const types = ["ImageInvert", "ImageBlur", "ImageSharpen"];
  const nodes = [];
  const edges = [];
  const layout: WorkflowDocument["layout"]["nodes"] = {};
  for (let i = 1; i <= n; i++) {
    const col = (i - 1) % 20;
    const row = Math.floor((i - 1) / 20);
    const type = col === 0 ? "EmptyImage" : col === 19 ? "PreviewImage" : types[i % 3]!;
    const id = asNodeId(String(i));
    nodes.push(createNode(BUNDLED_CATALOGUE, type, id));
    layout[id] = { x: col * 300, y: row * 260 };
    if (col > 0) edges.push({ id: asEdgeId(String(i)), source: asNodeId(String(i - 1)), sourceSlot: 0, target: id, targetInput: type === "PreviewImage" ? "images" : "image" });
  }
  return { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, graph: { nodes, edges }, layout: { nodes: layout, groups: [], viewport: { x: 0, y: 0, zoom: 1 } }, metadata: { name: `bench ${n}` } };
}

async function createWorkflow(n: number): Promise<string> {
  const res = await fetch(`${base}/api/trpc/workflow.create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `bench ${n}`, document: makeDocument(n) }) });
  if (!res.ok) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: { data: { id: string } } }).result.data.id;
}

async function timeToInteractive(page: Page, url: string): Promise<number> {
  const t0 = Date.now();
  await page.goto(url);
  // Atelier opens a large graph zoomed out as its canvas overview (drawn, no DOM nodes); the bare page draws DOM nodes.
  await page.locator(".react-flow__node, canvas.overview-canvas[data-frame]").first().waitFor();
  await page.getByTestId("graph-hash").waitFor({ state: "attached" });
  // Interactive = the page answers a click on the canvas within the next frame.
  // Functions passed to the page are strings: tsx would wrap a function literal in a helper the page does not have.
  await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  return Date.now() - t0;
}

/** Zooms in on the middle of the view (the zoom-in control, as a person clicks it) until the canvas is at about 100 %. */
async function zoomToWorkingScale(page: Page): Promise<number> {
  let scale = 0;
  for (let i = 0; i < 40; i++) {
    const transform = (await page.locator(".react-flow__viewport").getAttribute("style")) ?? "";
    scale = Number(/scale\(([0-9.]+)\)/.exec(transform)?.[1] ?? 1);
    if (scale >= 0.95) break;
    await page.locator(".react-flow__controls-zoomin").click();
    await page.waitForTimeout(80);
  }
  return scale;
}

/**
 * Drags the node nearest the middle of the canvas (so it is wholly on screen and the press lands on it, not on the
 * pane, which would pan instead) and returns the median frame time. Checks that the node really moved: a drag that
 * silently became a pan would measure an empty canvas.
 */
type DragFigures = { frame: number; busyFrame: number; moveToDom: number };

/**
 * The median length of the frames that handled a mouse move. The plain frame median mixes two kinds of frame: those
 * a move caused, and the display's idle ticks (about 16.7 ms) while the harness sends the next move; on a page that
 * handles a move in a few milliseconds about half the frames are idle ticks and the median lands on either side of
 * 16.7 ms by chance. A frame "handled a move" when a move arrived after the previous frame began.
 */
async function busyFrameMedian(page: Page): Promise<number> {
  const { times, moves } = (await page.evaluate("({ times: window.__frameTimes, moves: window.__moves })")) as { times: number[]; moves: number[] };
  const busy: number[] = [];
  for (let i = 3; i < times.length; i++) if (moves.some((m) => m > times[i - 1]! && m <= times[i]!)) busy.push(times[i]! - times[i - 1]!);
  busy.sort((a, b) => a - b);
  return busy[Math.floor(busy.length / 2)] ?? NaN;
}

async function dragFrameMedian(page: Page): Promise<DragFigures> {
  if ((await page.locator("canvas.overview-canvas").count()) > 0) return dragOverviewFrameMedian(page);
  const id = (await page.evaluate(`(() => {
    const pane = document.querySelector(".react-flow").getBoundingClientRect();
    const cx = pane.left + pane.width / 2, cy = pane.top + pane.height / 2;
    let best = null, bestD = Infinity;
    for (const el of document.querySelectorAll(".react-flow__node")) {
      const r = el.getBoundingClientRect();
      if (r.left < pane.left || r.top < pane.top || r.right > pane.right - 260 || r.bottom > pane.bottom - 180) continue;
      const d = Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy);
      if (d < bestD) { bestD = d; best = el.getAttribute("data-id"); }
    }
    return best;
  })()`)) as string | null;
  if (!id) throw new Error("no node wholly on screen to drag");
  const target = page.locator(`.react-flow__node[data-id="${id}"]`);
  const box = (await target.boundingBox())!;
  // Also the time from each mouse move reaching the page to the dragged node's transform changing: the frame median
  // mostly shows how often frames come (the input's pace, the display's), this shows the work one move costs.
  await page.evaluate(dragProbe(`.react-flow__node[data-id="${id}"]`, "style", "mousemove"));
  // Press on the node's title strip (its top few pixels), where no widget or socket takes the press.
  const grab = { x: box.x + box.width / 2, y: box.y + Math.min(8, box.height / 4) };
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) await page.mouse.move(grab.x + i * 4, grab.y + i * 2);
  await page.mouse.up();
  const frames = (await page.evaluate("(() => { window.__stop = true; return window.__frames.slice(2); })()")) as number[];
  const after = await target.boundingBox();
  if (!after || after.x - box.x < 100) throw new Error(`node ${id} did not follow the drag (moved ${after ? Math.round(after.x - box.x) : "?"} px)`);
  frames.sort((a, b) => a - b);
  const { moves, mutations } = (await page.evaluate("({ moves: window.__moves, mutations: window.__mutations })")) as { moves: number[]; mutations: number[] };
  const latencies = moves.flatMap((t) => {
    const m = mutations.find((x) => x >= t);
    return m === undefined ? [] : [m - t];
  });
  latencies.sort((a, b) => a - b);
  return { frame: frames[Math.floor(frames.length / 2)] ?? NaN, busyFrame: await busyFrameMedian(page), moveToDom: latencies[Math.floor(latencies.length / 2)] ?? NaN };
}

/**
 * The page script that records, during a drag: every frame (rAF) time, every mouse move, and every change of the
 * dragged thing (a DOM node's style; for the overview, the canvas's draw counter).
 */
function dragProbe(selector: string, attribute: string, moveEvent: "mousemove" | "pointermove"): string {
  return `(() => {
    window.__moves = [];
    window.__mutations = [];
    const el = document.querySelector(${JSON.stringify(selector)});
    new MutationObserver(() => window.__mutations.push(performance.now())).observe(el, { attributes: true, attributeFilter: [${JSON.stringify(attribute)}] });
    window.addEventListener(${JSON.stringify(moveEvent)}, () => window.__moves.push(performance.now()), { capture: true });
    window.__frames = [];
    window.__frameTimes = [];
    window.__stop = false;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      window.__frameTimes.push(t);
      last = t;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`;
}

/**
 * The fitted drag when Atelier shows the overview: the bench's own layout says where each node is, the viewport's
 * transform says where that is on screen. Checks the node really moved by double-clicking where it should now be:
 * that zooms in on the node under the pointer, whose DOM element must then sit in the middle of the canvas.
 */
async function dragOverviewFrameMedian(page: Page): Promise<DragFigures> {
  const transform = (await page.locator(".react-flow__viewport").getAttribute("style")) ?? "";
  const m = /translate\(([-0-9.]+)px, ([-0-9.]+)px\) scale\(([0-9.]+)\)/.exec(transform);
  if (!m) throw new Error(`no viewport transform in "${transform}"`);
  const [tx, ty, k] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const pane = (await page.locator(".react-flow").boundingBox())!;
  const count = Number(/Overview of (\d+) nodes/.exec((await page.locator("canvas.overview-canvas").getAttribute("aria-label")) ?? "")?.[1] ?? 0);
  let best = 0;
  let bestD = Infinity;
  for (let i = 1; i <= count; i++) {
    const col = (i - 1) % 20;
    const row = Math.floor((i - 1) / 20);
    const d = Math.hypot(tx + (col * 300 + 120) * k - pane.width / 2, ty + (row * 260 + 40) * k - pane.height / 2);
    if (d < bestD) [best, bestD] = [i, d];
  }
  const col = (best - 1) % 20;
  const row = Math.floor((best - 1) / 20);
  // Into the node's title bar, away from its edges.
  const grab = { x: pane.x + tx + (col * 300 + 120) * k, y: pane.y + ty + (row * 260 + 12) * k };
  await page.evaluate(dragProbe("canvas.overview-canvas", "data-frame", "pointermove"));
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) await page.mouse.move(grab.x + i * 4, grab.y + i * 2);
  await page.mouse.up();
  const frames = (await page.evaluate("(() => { window.__stop = true; return window.__frames.slice(2); })()")) as number[];
  const { moves, mutations } = (await page.evaluate("({ moves: window.__moves, mutations: window.__mutations })")) as { moves: number[]; mutations: number[] };
  await page.mouse.dblclick(grab.x + 240, grab.y + 120);
  const node = page.locator(`.react-flow__node[data-id="${best}"]`);
  await node.waitFor({ timeout: 5000 }).catch(() => {
    throw new Error(`node ${best} did not follow the drag: nothing to zoom in on where it should be`);
  });
  await page.waitForTimeout(400);
  const box = (await node.boundingBox())!;
  if (Math.abs(box.x + box.width / 2 - (pane.x + pane.width / 2)) > box.width) throw new Error(`node ${best} is not where the drag left it`);
  frames.sort((a, b) => a - b);
  const latencies = moves.flatMap((t) => {
    const x = mutations.find((y) => y >= t);
    return x === undefined ? [] : [x - t];
  });
  latencies.sort((a, b) => a - b);
  return { frame: frames[Math.floor(frames.length / 2)] ?? NaN, busyFrame: await busyFrameMedian(page), moveToDom: latencies[Math.floor(latencies.length / 2)] ?? NaN };
}

async function main() {
  if (!existsSync(join(root, ".next", "BUILD_ID"))) {
    const b = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) throw new Error("next build failed");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "atelier-bench-"));
  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), ATELIER_DATA_DIR: dataDir, ATELIER_BENCH: "1", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on("data", (d: Buffer) => d.toString().includes("ready on") && resolve());
    server.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // Unthrottled frames, so a frame's time is the work it took, not the display's refresh.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-frame-rate-limit", "--disable-gpu-vsync"],
  });
  try {
    const rows: string[] = [];
    // BENCH_SIZES=1000 measures one size only (while working on one figure).
    const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(",").map(Number) : [500, 1000, 2000];
    for (const n of sizes) {
      const id = await createWorkflow(n);
      for (const [label, url] of [["atelier", `${base}/workflows/${id}`], ["bare React Flow", `${base}/bench/bare/${id}`]] as const) {
        const times: number[] = [];
        let frame: DragFigures = { frame: NaN, busyFrame: NaN, moveToDom: NaN };
        let workingFrame: DragFigures = { frame: NaN, busyFrame: NaN, moveToDom: NaN };
        for (let r = 0; r < 3; r++) {
          const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
          const page = await context.newPage();
          times.push(await timeToInteractive(page, url));
          if (n === 1000 && r === 0) {
            // Whole graph on screen (fitted) and at a working zoom, where only the nodes in view are drawn.
            if (process.env.BENCH_TRACE) await browser.startTracing(page, { path: join(process.env.BENCH_TRACE, `${label.replaceAll(" ", "-")}-fitted-drag.json`), categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "cc", "viz", "gpu"] });
            frame = await dragFrameMedian(page);
            if (process.env.BENCH_TRACE) await browser.stopTracing();
            const scale = await zoomToWorkingScale(page);
            if (process.env.BENCH_DEBUG) {
              console.log("scale", scale, await page.locator(".react-flow__node").count());
              await page.screenshot({ path: "/tmp/zoom.png" });
            }
            // BENCH_TRACE=dir writes a Chromium trace of each drag per page (where a frame's time goes).
            if (process.env.BENCH_TRACE) await browser.startTracing(page, { path: join(process.env.BENCH_TRACE, `${label.replaceAll(" ", "-")}-drag.json`), categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "cc", "viz", "gpu"] });
            workingFrame = await dragFrameMedian(page);
            if (process.env.BENCH_TRACE) await browser.stopTracing();
          }
          await context.close();
        }
        times.sort((a, b) => a - b);
        rows.push(
          `${String(n).padStart(5)} nodes  ${label.padEnd(16)} interactive ${String(times[1]).padStart(5)} ms (median of 3)` +
            (Number.isFinite(frame.frame)
              ? `\n      drag frame median ${frame.frame.toFixed(1)} ms fitted, ${workingFrame.frame.toFixed(1)} ms at ~100 %;` +
                ` frames that handled a move: median ${frame.busyFrame.toFixed(1)} ms fitted, ${workingFrame.busyFrame.toFixed(1)} ms at ~100 %;` +
                ` mouse move → node moved median ${frame.moveToDom.toFixed(1)} ms fitted, ${workingFrame.moveToDom.toFixed(1)} ms at ~100 %`
              : ""),
        );
        console.log(rows[rows.length - 1]);
      }
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
