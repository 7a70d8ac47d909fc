import { expect, test } from "@playwright/test";

test("the settings page shows the ComfyUI it talks to and the timeouts in force", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Settings" }).click();
  const settings = page.getByTestId("settings-page");
  await expect(settings).toBeVisible();
  await expect(page.getByTestId("settings-comfyui-status")).toContainText(/reachable|answers/i);
  await expect(page.getByTestId("settings-comfyui-server").first()).toContainText("from COMFYUI_URL");
  await expect(page.getByTestId("settings-timeouts")).toContainText("COMFYUI_CONNECT_TIMEOUT_MS");
  await expect(settings).not.toContainText("ATELIER_TOKEN=");
});

test("a timeout edited on the settings page takes effect, refuses a bad value naming the field, and resets to its default", async ({ page }) => {
  await page.goto("/settings");
  const row = page.getByTestId("settings-timeout-readMs");
  const input = row.getByLabel("Read (each request) timeout in milliseconds");
  await expect(input).toHaveValue("30000");
  await input.fill("0");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("alert")).toContainText("Read (each request) timeout (readMs): must be a whole number of milliseconds greater than 0");
  await input.fill("45000");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("set here");
  await expect(row).toContainText("45 s");
  const res = await page.request.get("/api/trpc/system.settings");
  const readMs = ((await res.json()).result.data.timeouts as { key: string; ms: number; source: string }[]).find((t) => t.key === "readMs");
  expect(readMs).toMatchObject({ ms: 45_000, source: "settings" });
  await row.getByRole("button", { name: /Reset to default/ }).click();
  await expect(row).toContainText("default (or set COMFYUI_READ_TIMEOUT_MS)");
  await expect(input).toHaveValue("30000");
});

test("a run's version link opens the history at that exact version", async ({ page }) => {
  const res = await page.request.post("/api/trpc/workflow.create", { data: { name: "Linked version" } });
  const wf = (await res.json()).result.data;
  await page.goto(`/workflows/${wf.id}/history?version=${wf.head.id}`);
  await expect(page.getByTestId("linked-version")).toContainText(`Version ${wf.head.id} is the exact version a run used`);
});
