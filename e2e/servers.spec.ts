import { expect, test } from "@playwright/test";
import { buildDocument, buildGridLayout, buildTxt2ImgGraph } from "@/lib/testing";
import { node, openNewWorkflow } from "./helpers";

const secondUrl = `http://127.0.0.1:${process.env.E2E_SIM2_PORT ?? 3219}`;

test("a second ComfyUI server added on the settings page runs the workflow when picked next to Run", async ({ page }) => {
  await page.goto("/settings");
  const add = page.getByTestId("settings-add-server");
  await add.getByLabel("Server URL").fill(`${secondUrl}/`);
  await add.getByLabel("Server name").fill("GPU box 2");
  await add.getByRole("button", { name: "Test" }).click();
  await expect(page.getByTestId("settings-test-result")).toContainText("reachable");
  await add.getByRole("button", { name: "Add server" }).click();
  const row = page.locator(`[data-testid="settings-comfyui-server"][data-url="${secondUrl}"]`);
  await expect(row).toContainText("GPU box 2");
  await expect(row.getByTestId("settings-server-status")).toContainText(/reachable · ComfyUI .* VRAM/);
  await expect(add.getByLabel("Server URL")).toHaveValue("");

  const graph = buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 20, width: 64, height: 64 });
  const workflowId = await openNewWorkflow(page, "Two servers", buildDocument(graph, { layout: buildGridLayout(graph, { columns: 4, spacing: 380 }) }));
  const picker = page.getByTestId("server-picker");
  await expect(picker).toBeVisible();
  await picker.selectOption(secondUrl);
  await page.locator(".run-button").click();

  await expect(node(page, "9").locator(".node-outputs img")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("run-panel")).toContainText(/done|success/i);
  // Named as on the settings page, its URL on hover.
  await expect(page.getByTestId("run-server")).toHaveText("on GPU box 2");
  await expect(page.getByTestId("run-server").getByText("GPU box 2")).toHaveAttribute("title", secondUrl);

  // The record names the server, and that server (not the default one) has the prompt in its history.
  const listed = await page.request.get(`/api/trpc/run.list?input=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
  const runs = (await listed.json()).result.data.runs as { id: string; serverUrl: string; status: string }[];
  expect(runs.map((r) => [r.serverUrl, r.status])).toEqual([[secondUrl, "success"]]);
  const history = await (await page.request.get(`${secondUrl}/history`)).json();
  expect(Object.keys(history).length).toBeGreaterThanOrEqual(1);

  // Remembered in this browser: the picker still names the second server after a reload.
  await page.reload();
  await expect(page.getByTestId("server-picker")).toHaveValue(secondUrl);

  // Removed once its run is over: the list is back to COMFYUI_URL's server alone, and the editor offers no choice.
  await page.goto("/settings");
  await page.locator(`[data-testid="settings-comfyui-server"][data-url="${secondUrl}"]`).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId("settings-comfyui-server")).toHaveCount(1);
  await page.goto(`/workflows/${workflowId}`);
  await expect(page.locator(".run-button")).toBeVisible();
  await expect(page.getByTestId("server-picker")).toHaveCount(0);
});

test("with 'Any server that fits' picked, Run goes to the server that has the graph's model file, or says why none can run it", async ({ page }) => {
  const added = await page.request.post("/api/trpc/system.addServer", { data: { url: secondUrl } });
  expect(added.ok(), await added.text()).toBe(true);
  const graph = buildTxt2ImgGraph({ checkpoint: "gpu2-only.safetensors", steps: 4, width: 64, height: 64 });
  await openNewWorkflow(page, "Fits somewhere", buildDocument(graph, { layout: buildGridLayout(graph, { columns: 4, spacing: 380 }) }));
  await page.getByTestId("server-picker").selectOption("any");
  // The editor shows the default server's lists, which lack the file: a problem there, but not a reason to hold the run.
  await page.locator(".run-button").click();
  await expect(node(page, "9").locator(".node-outputs img")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("run-server")).toHaveText(`on ${secondUrl}`);

  // A file no server has: refused, each server with its reason.
  const doc = buildDocument(buildTxt2ImgGraph({ checkpoint: "nowhere.safetensors", steps: 4, width: 64, height: 64 }));
  const refused = await page.request.post("/api/trpc/run.start", { data: { document: doc, anyServer: true } });
  const run = (await refused.json()).result.data as { status: string; rejection: { message: string } };
  expect(run.status).toBe("rejected");
  expect(run.rejection.message).toMatch(/^No configured ComfyUI server can run this workflow: http:\/\/127\.0\.0\.1:3218 .*"nowhere\.safetensors".*; http:\/\/127\.0\.0\.1:3219 .*"nowhere\.safetensors"/);

  // Back to one server: no picker, and a remembered "any" falls back to that server.
  await page.request.post("/api/trpc/system.removeServer", { data: { url: secondUrl } });
  await page.reload();
  await expect(page.getByTestId("server-picker")).toHaveCount(0);
});
