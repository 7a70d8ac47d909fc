import { expect, test } from "@playwright/test";
import { node, openNewWorkflow } from "./helpers";

test("a save that lost a race offers a rebase instead of overwriting", async ({ page }) => {
  const id = await openNewWorkflow(page, "Race test");
  // I change the negative prompt on the canvas…
  const negative = node(page, "7").getByLabel("text");
  await negative.fill("blurry, low quality, watermark");
  // …while someone else saves a change to the sampler.
  const got = await page.request.get(`/api/trpc/workflow.get?input=${encodeURIComponent(JSON.stringify({ id }))}`);
  const wf = (await got.json()).result.data;
  for (const n of wf.document.graph.nodes) if (n.type === "KSampler") n.widgets.steps = 33;
  const saved = await page.request.post("/api/trpc/workflow.save", { data: { id, baseVersionId: wf.head.id, document: wf.document } });
  expect(saved.ok()).toBe(true);

  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+s");
  const dialog = page.getByTestId("conflict-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Rebase my changes" }).click();
  await expect(page.getByTestId("notice")).toContainText("Your changes now sit on version");
  // Both changes are on the canvas: theirs (steps 33) and mine (the prompt).
  await expect(node(page, "3").getByRole("spinbutton", { name: "steps" })).toHaveAttribute("aria-valuenow", "33");
  await expect(negative).toHaveValue("blurry, low quality, watermark");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText(/Saved version \d+/);
});

test("compares the canvas with the saved version: changed values and removed nodes show on the canvas", async ({ page }) => {
  await openNewWorkflow(page, "Compare test");
  await node(page, "3").getByRole("button", { name: "Increase steps" }).click();
  await node(page, "9").locator(".node-title").click();
  await page.keyboard.press("Delete");
  await page.keyboard.press("Control+Shift+d");
  await expect(page.getByTestId("compare-banner")).toContainText("1 changed, 1 removed");
  await expect(node(page, "3").getByRole("list", { name: "Changes" })).toHaveText("steps: 20 → 21");
  await expect(page.locator('.react-flow__node[data-id="ghost:9"]')).toContainText("removed");
  await page.getByRole("button", { name: "Stop comparing" }).click();
  await expect(page.getByTestId("compare-banner")).toHaveCount(0);
});

test("an unsaved draft reaches the server too, so another browser can recover it", async ({ page, browser }) => {
  const id = await openNewWorkflow(page, "Server draft test");
  await node(page, "7").getByLabel("text").fill("blurry, low quality, text");
  // The autosave waits 1.5 s after the last change.
  await expect
    .poll(async () => {
      const r = await page.request.get(`/api/trpc/version.getDraft?input=${encodeURIComponent(JSON.stringify({ workflowId: id }))}`);
      return (await r.json()).result?.data?.document ? "saved" : "none";
    })
    .toBe("saved");

  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(`/workflows/${id}`);
  await page2.getByTestId("draft-banner").getByRole("button", { name: "Recover" }).click();
  await expect(page2.locator('.react-flow__node[data-id="7"]').getByLabel("text")).toHaveValue("blurry, low quality, text");
  await expect(page2.getByTestId("save-state")).toHaveText("Unsaved changes");
  await other.close();
});
