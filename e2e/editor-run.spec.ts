import { expect, test } from "@playwright/test";
import { buildDocument, buildEdge, buildGraph, buildGridLayout, buildNode, buildTxt2ImgGraph } from "@/lib/testing";
import { node, openNewWorkflow } from "./helpers";

test("Run shows each node working on the canvas, the sampler's progress, and the image on the output node", async ({ page }) => {
  // 600 sampler steps at the simulator's 5 ms a step: three seconds to watch the sampler work.
  const graph = buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 600, width: 64, height: 64 });
  await openNewWorkflow(page, "Run test", buildDocument(graph, { layout: buildGridLayout(graph, { columns: 4, spacing: 380 }) }));
  await page.keyboard.press(".");
  await expect(page.locator(".run-button")).toBeEnabled();
  await page.keyboard.press("Control+Enter");

  const sampler = node(page, "3");
  await expect(sampler.locator(".node-card")).toHaveClass(/run-running/);
  const bar = sampler.getByRole("progressbar", { name: "Node progress" });
  await expect(bar).toBeVisible();
  const first = Number(await bar.getAttribute("aria-valuenow"));
  await expect.poll(async () => Number((await bar.getAttribute("aria-valuenow")) ?? 100), { intervals: [50, 100, 200] }).toBeGreaterThan(first);
  // Upstream nodes are done while the sampler works; the decode has not started.
  await expect(node(page, "4").locator(".node-card")).toHaveClass(/run-done/);

  await expect(node(page, "9").locator(".node-card")).toHaveClass(/run-done/, { timeout: 20_000 });
  await expect(node(page, "9").locator(".node-outputs img")).toBeVisible();
  await expect(page.getByTestId("run-panel")).toContainText(/done|success/i);
  const src = await node(page, "9").locator(".node-outputs img").getAttribute("src");
  const image = await page.request.get(src!);
  expect(image.headers()["content-type"]).toBe("image/png");
});

test("a checkpoint the connected server lacks stops the run before it is sent, naming the input", async ({ page }) => {
  const graph = buildTxt2ImgGraph({ checkpoint: "not-on-this-server.safetensors", steps: 2 });
  await openNewWorkflow(page, "Refused test", buildDocument(graph, { layout: buildGridLayout(graph, { columns: 4, spacing: 380 }) }));
  // The live catalogue already knows the file is missing: the editor refuses to send it and says where.
  await page.keyboard.press("Control+Enter");
  await expect(page.getByTestId("notice")).toContainText("before running");
  await expect(page.getByRole("complementary", { name: "Problems" })).toContainText("ckpt_name");
});

test("the queue on the runs page lists a running run across workflows and cancels it", async ({ page }) => {
  const graph = buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 4000, width: 64, height: 64 });
  const res = await page.request.post("/api/trpc/workflow.create", { data: { name: "Queue test", document: buildDocument(graph) } });
  const wf = (await res.json()).result.data;
  const started = await page.request.post("/api/trpc/run.start", { data: { workflowId: wf.id } });
  expect(started.ok()).toBe(true);
  await page.goto("/runs");
  const queue = page.getByTestId("queue-view");
  await expect(queue.getByRole("listitem")).toHaveCount(1);
  await queue.getByRole("button", { name: "Cancel" }).click();
  await expect(queue).toContainText("Nothing queued or running.");
});

test("uploads an image into a LoadImage node and previews it", async ({ page }) => {
  const graph = buildGraph(
    [buildNode(1, "LoadImage", { widgets: { image: "example.png" } }), buildNode(2, "PreviewImage")],
    [buildEdge(1, 0, 2, "images")],
  );
  await openNewWorkflow(page, "Upload test", buildDocument(graph, { layout: buildGridLayout(graph, { columns: 2, spacing: 380 }) }));
  const loader = node(page, "1");
  const pixel = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
  await loader.getByLabel("Upload image").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: pixel });
  await expect(loader.getByRole("button", { name: "image", exact: true })).toContainText("dot.png");
  await expect(loader.getByAltText("Preview of dot.png")).toBeVisible();
  expect(await loader.getByAltText("Preview of dot.png").evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
});

test("Run › Refresh node definitions asks ComfyUI again and says what it answered", async ({ page }) => {
  const graph = buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 2, width: 64, height: 64 });
  await openNewWorkflow(page, "Refresh definitions", buildDocument(graph, { layout: buildGridLayout(graph, { columns: 4, spacing: 380 }) }));
  await expect(page.locator(".run-button")).toBeEnabled();
  await page.getByRole("navigation", { name: "Editor menu" }).getByRole("button", { name: "Run" }).click();
  await page.getByRole("menuitem", { name: "Refresh node definitions from ComfyUI" }).click();
  await expect(page.getByTestId("notice")).toHaveText(/^Node definitions from ComfyUI at http:\/\/127\.0\.0\.1:3218: \d+ node types\.×?$/);
});
