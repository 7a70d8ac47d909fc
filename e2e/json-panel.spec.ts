import { expect, test } from "@playwright/test";
import { node, openNewWorkflow } from "./helpers";

test("edits the workflow as JSON in the panel; invalid JSON changes nothing", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const foreign: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("http://127.0.0.1") && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) foreign.push(r.url());
  });
  const id = await openNewWorkflow(page, "JSON test");
  const res = await page.request.get(`/api/trpc/workflow.get?input=${encodeURIComponent(JSON.stringify({ id }))}`);
  const doc = (await res.json()).result.data.document;
  for (const n of doc.graph.nodes) if (n.type === "KSampler") n.widgets.steps = 42;

  await page.getByRole("button", { name: "JSON", exact: true }).click();
  const panel = page.getByRole("dialog", { name: "Workflow JSON" });
  await expect(panel).toBeVisible();
  await panel.getByRole("radio", { name: "Atelier" }).check();
  const editor = panel.locator(".monaco-editor");
  await expect(editor).toBeVisible();

  // Invalid JSON first: the problem is placed, and the canvas keeps its graph.
  // Pasted rather than typed: monaco closes brackets and quotes as you type.
  await page.evaluate((text) => navigator.clipboard.writeText(text), '{"format": "atelier.workflow",\n  "graph": [,');
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+v");
  await panel.getByRole("button", { name: "Apply" }).click();
  await expect(panel.getByRole("list", { name: "JSON problems" })).toContainText(/line 2/i);
  await expect(node(page, "3").getByRole("spinbutton", { name: "steps" })).toHaveAttribute("aria-valuenow", "20");

  // Then a valid document: Apply puts it on the canvas.
  await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(doc, null, 2));
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+v");
  await panel.getByRole("button", { name: "Apply" }).click();
  await expect(node(page, "3").getByRole("spinbutton", { name: "steps" })).toHaveAttribute("aria-valuenow", "42");
  await expect(page.getByTestId("save-state")).toHaveText("Unsaved changes");
  expect(foreign).toEqual([]);
});
