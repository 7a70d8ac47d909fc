import { expect, test, type Page } from "@playwright/test";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";

async function trpc<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: input });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()).result.data as T;
}

test("finds a template in the gallery, compares two versions and uses it to open a new workflow", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { name: "Templates" })).toBeVisible();
  const cards = page.getByTestId("template-card");
  await expect(cards).toHaveCount(8);

  await page.getByLabel("Search templates").fill("inpaint");
  await expect(cards).toHaveCount(1);
  await page.getByLabel("Search templates").fill("");
  await page.getByLabel("Category").selectOption("Upscale");
  await expect(cards).toHaveCount(2);
  await page.getByLabel("Category").selectOption("");
  await page.getByLabel("Tag").selectOption("sdxl");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("v1.1.0");
  await page.getByLabel("Tag").selectOption("");

  await cards.filter({ hasText: "Text to image (SD 1.5)" }).click();
  await expect(page.getByRole("heading", { name: "Text to image (SD 1.5)" })).toBeVisible();
  await expect(page.getByTestId("template-version")).toHaveCount(3);
  // Newest first, and the default comparison is the previous version against the newest.
  await expect(page.getByTestId("template-version").first()).toContainText("Renames the parameter");
  await expect(page.getByText('[major] parameter "prompt" was removed')).toBeVisible();
  await page.getByLabel("From version").selectOption("1.0.0");
  await page.getByLabel("To version").selectOption("1.1.0");
  await expect(page.getByText('[minor] parameter "width" (INT) was added')).toBeVisible();

  await page.getByRole("button", { name: "Use 2.0.0" }).click();
  await page.waitForURL(/\/workflows\/[0-9a-f-]+$/);
  await expect(page.getByRole("heading", { name: "Text to image (SD 1.5)" })).toBeVisible();
  await expect(page.locator(".react-flow__node")).toHaveCount(7);
});

test("shows a workflow's history, diffs an old version with the head and restores it", async ({ page }) => {
  type Wf = { id: string; head: { id: number }; document: { graph: { nodes: { id: string; widgets: Record<string, unknown> }[] } } };
  const wf = await trpc<Wf>(page, "workflow.create", { name: "History e2e" });
  const changed = structuredClone(wf.document);
  changed.graph.nodes.find((n) => n.id === "3")!.widgets.steps = 44;
  await trpc(page, "workflow.save", { id: wf.id, baseVersionId: wf.head.id, document: changed, message: "more steps" });

  await page.goto(`/workflows/${wf.id}/history`);
  const rows = page.getByTestId("history-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("more steps");
  await expect(rows.first()).toContainText("head");
  const oldRow = rows.nth(1);
  await oldRow.getByRole("button", { name: "Diff with head" }).click();
  await expect(page.getByTestId("diff-list")).toContainText("steps: 20 → 44");

  await oldRow.getByRole("button", { name: "Restore" }).click();
  await page.waitForURL(new RegExp(`/workflows/${wf.id}$`));
  const after = await page.request.get(`/api/trpc/workflow.get?input=${encodeURIComponent(JSON.stringify({ id: wf.id }))}`);
  const head = (await after.json()).result.data as Wf & { head: { message: string } };
  expect(head.head.message).toBe(`Restored version ${wf.head.id}`);
  expect(head.document.graph.nodes.find((n) => n.id === "3")!.widgets.steps).toBe(20);

  await page.goto(`/workflows/${wf.id}/history`);
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText(`Restored version ${wf.head.id}`);
});

test("upgrades a workflow made from template 1.0.0 to 2.0.0, keeping values through a rename", async ({ page }) => {
  type Used = { workflow: { id: string } };
  const used = await trpc<Used>(page, "template.use", { templateId: "lora-stack", version: "1.0.0", values: { strength_1: 0.35, seed: 77 } });
  await page.goto(`/workflows/${used.workflow.id}/history`);
  const panel = page.getByTestId("template-upgrade");
  await expect(panel).toContainText("Made from lora-stack v1.0.0");
  await panel.getByLabel("Template version").selectOption("2.0.0");
  await expect(panel).toContainText("strength_1 → lora_1_strength = 0.35");
  await expect(panel).toContainText("seed = 77");
  await panel.getByRole("button", { name: "Upgrade to 2.0.0" }).click();
  await expect(page.getByTestId("history-row").first()).toContainText("Upgraded template lora-stack 1.0.0 → 2.0.0");
  await expect(panel).toContainText("Made from lora-stack v2.0.0");
  await expect(page.getByTestId("history-row")).toHaveCount(2);
});

test("publishes a workflow as a template, then refuses a too-small bump with the reason", async ({ page }) => {
  type Wf = { id: string };
  const wf = await trpc<Wf>(page, "workflow.create", { name: "Publish e2e" });
  await page.goto(`/workflows/${wf.id}/history`);
  await page.getByText("Publish as a template…").click();
  const form = page.getByTestId("publish-form");
  await form.getByLabel("Expose #3 KSampler steps").check();
  await form.getByLabel("Expose #6 Positive prompt text").check();
  await form.getByLabel("Parameter name for #6 Positive prompt text").fill("prompt");
  await form.getByLabel("Changelog").fill("First version: steps and prompt.");
  await form.getByRole("button", { name: "Publish" }).click();
  await expect(form.getByRole("status")).toHaveText("Published publish-e2e@1.0.0.");

  await form.getByLabel("Expose #6 Positive prompt text").uncheck();
  await form.getByLabel("Version").fill("1.1.0");
  await form.getByLabel("Changelog").fill("Prompt no longer exposed.");
  await form.getByRole("button", { name: "Publish" }).click();
  await expect(form.getByRole("alert")).toContainText('parameter "prompt" was removed; callers that set it break, which requires a major bump: publish 2.0.0.');

  await page.goto("/templates");
  await expect(page.getByTestId("template-card").filter({ hasText: "Publish e2e" })).toContainText("v1.0.0");
});

test("the gallery says which templates the ComfyUI server cannot run as they are, and can show only the ones it can", async ({ page }) => {
  const sim = "http://127.0.0.1:3218";
  // A template whose graph and declared model the simulator has (the built-in ones declare real checkpoints it lacks).
  const wf = await trpc<{ id: string }>(page, "workflow.create", {
    name: "Sim runnable",
    document: buildDocument(buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors" }), { metadata: { name: "Sim runnable" } }),
  });
  await trpc(page, "template.publish", {
    templateId: "sim-runnable",
    workflowId: wf.id,
    interface: { parameters: [], outputs: [] },
    metadata: {
      title: "Sim runnable",
      description: "Runs on the simulator.",
      category: "Text to image",
      tags: [],
      mediaType: "image",
      requiredNodes: ["CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "KSampler", "VAEDecode", "SaveImage"],
      requiredModels: [{ name: "sim-sd15.safetensors", folder: "checkpoints" }],
      minVramGb: 4,
    },
    changelog: "First version.",
  });

  await page.goto("/templates");
  const cards = page.getByTestId("template-card");
  const sd15 = cards.filter({ hasText: "Text to image (SD 1.5)" });
  await expect(sd15.getByTestId("template-shortfall")).toHaveText(`Not on ComfyUI at ${sim}: v1-5-pruned-emaonly.safetensors`);
  await expect(sd15.getByTestId("template-shortfall")).toHaveAttribute("title", `ComfyUI at ${sim} lacks: model checkpoints/v1-5-pruned-emaonly.safetensors`);
  await expect(cards.filter({ hasText: "Sim runnable" }).getByTestId("template-shortfall")).toHaveCount(0);

  await page.getByLabel("Only what my ComfyUI can run").check();
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("Sim runnable");
  await page.getByLabel("Only what my ComfyUI can run").uncheck();

  // The template's page checks each version.
  await sd15.click();
  await expect(page.getByRole("heading", { name: "Text to image (SD 1.5)" })).toBeVisible();
  const versions = page.getByTestId("template-version");
  await expect(versions).toHaveCount(3);
  for (let i = 0; i < 3; i++) await expect(versions.nth(i).getByTestId("template-shortfall")).toContainText("v1-5-pruned-emaonly.safetensors");
});
