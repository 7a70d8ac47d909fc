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

test("a run's version link opens the history at that exact version", async ({ page }) => {
  const res = await page.request.post("/api/trpc/workflow.create", { data: { name: "Linked version" } });
  const wf = (await res.json()).result.data;
  await page.goto(`/workflows/${wf.id}/history?version=${wf.head.id}`);
  await expect(page.getByTestId("linked-version")).toContainText(`Version ${wf.head.id} is the exact version a run used`);
});
