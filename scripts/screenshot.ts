// Takes the README's screenshot (docs/screenshot.png): the editor with the
// starter text-to-image graph after a run on the ComfyUI simulator, its image
// on the SaveImage node and the run panel open. Needs a production build
// (`next build`) and Chromium. Usage: npx tsx scripts/screenshot.ts [out.png]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";

const root = join(import.meta.dirname, "..");
const out = process.argv[2] ?? join(root, "docs", "screenshot.png");
const dataDir = mkdtempSync(join(tmpdir(), "atelier-screenshot-"));
const simPort = 3395;
const appPort = 3396;
const children: ChildProcess[] = [];

/** Starts a child and resolves once its output contains `ready`. */
function startChild(args: string[], env: Record<string, string>, ready: string): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes(ready) && resolve());
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
}

try {
  await startChild(["--import", "tsx", "server/comfyui/simulator/main.ts", "--port", String(simPort), "--delay", "40", "--step-delay", "40", "--data", join(dataDir, "sim")], {}, "ready at");
  await startChild(["--import", "tsx", "server/main.ts"], { PORT: String(appPort), ATELIER_DATA_DIR: dataDir, COMFYUI_URL: `http://127.0.0.1:${simPort}` }, "ready on");
  const base = `http://127.0.0.1:${appPort}`;
  const graph = buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 20, positive: "a lighthouse on a cliff at dusk, oil painting", negative: "blurry, low quality" });
  const doc = buildDocument(graph, { metadata: { name: "Lighthouse at dusk" } });
  // Laid out the way a person would: loaders left, sampler in the middle, the output right.
  const at: Record<string, [number, number]> = { "4": [0, 170], "6": [270, 0], "7": [270, 200], "5": [270, 380], "3": [580, 60], "8": [850, 60], "9": [850, 180] };
  for (const [nodeId, [x, y]] of Object.entries(at)) doc.layout.nodes[nodeId] = { ...doc.layout.nodes[nodeId], x, y };
  const created = await fetch(`${base}/api/trpc/workflow.create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Lighthouse at dusk", document: doc }) });
  const { id } = ((await created.json()) as { result: { data: { id: string } } }).result.data;

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 820 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/workflows/${id}`);
  await page.locator(".react-flow__node").first().waitFor();
  await page.locator('.run-button:enabled:text-is("Run")').waitFor();
  await page.locator(".run-button").click();
  await page.getByTestId("run-status").filter({ hasText: "done" }).waitFor({ timeout: 60_000 });
  // Fit the graph beside the open run panel (the "." command).
  await page.locator(".react-flow__pane").click({ position: { x: 10, y: 10 } });
  await page.keyboard.press(".");
  // The output image on its node, loaded.
  await page.locator(".react-flow__node img").first().waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>(".react-flow__node img")].every((img) => img.complete && img.naturalWidth > 0));
  await page.mouse.move(5, 400);
  // The fit animates, and the minimap redraws a few times a second at most.
  await page.waitForTimeout(800);
  await page.screenshot({ path: out });
  await browser.close();
  console.log(`wrote ${out}`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}
