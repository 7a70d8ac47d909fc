import { expect, test } from "@playwright/test";

test("creates a workflow, saves it, and finds it again after a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("connection-status")).toHaveText(/connected/);

  const name = `Lighthouse ${Date.now()}`;
  await page.getByLabel("New workflow name").fill(name);
  await page.getByRole("button", { name: "New workflow" }).click();

  await expect(page).toHaveURL(/\/workflows\//);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  // The starter graph is on the canvas.
  await expect(page.locator(".react-flow__node")).toHaveCount(7);
  await expect(page.getByText("KSampler")).toBeVisible();

  // Move a node the way a person does, then save with the button.
  const sampler = page.locator(".react-flow__node", { hasText: "KSampler" });
  const box = await sampler.boundingBox();
  if (!box) throw new Error("KSampler node is not on screen");
  await page.mouse.move(box.x + 40, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 90, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId("save-state")).toHaveText("Unsaved changes");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("notice")).toHaveText(/Saved version \d+/);
  await expect(page.getByTestId("save-state")).toHaveText(/^Version \d+$/);
  // The node's flow position (its transform) is what a reload must restore.
  const movedTransform = await sampler.evaluate((el) => (el as HTMLElement).style.transform);

  await page.reload();
  await expect(page.locator(".react-flow__node")).toHaveCount(7);
  await expect(page.getByTestId("save-state")).toHaveText(/Version \d+/);
  expect(await page.locator(".react-flow__node", { hasText: "KSampler" }).evaluate((el) => (el as HTMLElement).style.transform)).toBe(
    movedTransform,
  );

  await page.goto("/");
  await expect(page.getByTestId("workflow-list")).toContainText(name);
  await page.getByRole("link", { name: new RegExp(name) }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
});
