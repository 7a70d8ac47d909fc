import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { dragBetween, graphHash, handle, node, openNewWorkflow } from "./helpers";

const corpus = join(import.meta.dirname, "..", "..", "shared", "corpus");

test("adds a node from the search opened by a double-click", async ({ page }) => {
  await openNewWorkflow(page, "Search test");
  await expect(page.locator(".react-flow__node")).toHaveCount(7);
  const pane = page.locator(".react-flow__pane");
  const box = (await pane.boundingBox())!;
  await page.mouse.dblclick(box.x + 60, box.y + box.height - 60);
  const dialog = page.getByRole("dialog", { name: "Add node" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Search nodes").fill("invert image");
  await expect(dialog.getByRole("option").first()).toContainText("Invert Image");
  await page.keyboard.press("Enter");
  await expect(page.locator(".react-flow__node")).toHaveCount(8);
  await expect(node(page, "10")).toContainText("Invert Image");
});

test("connects two nodes, and refuses a wrong type with the reason at the cursor", async ({ page }) => {
  await openNewWorkflow(page, "Connect test");
  // Disconnect by replacing: a second EmptyLatentImage into the sampler's latent_image.
  await page.keyboard.press("Control+k");
  await page.getByLabel("Search nodes").fill("Empty Latent Image");
  await page.keyboard.press("Enter");
  await expect(node(page, "10")).toBeVisible();
  await page.getByRole("navigation", { name: "Editor menu" }).getByRole("button", { name: "View", exact: true }).click();
  await page.getByRole("menuitem", { name: "Fit view" }).click();
  // Let the fit animation finish before grabbing sockets, or they move under the pointer.
  await page.waitForTimeout(500);

  // VAEDecode's IMAGE into the sampler's LATENT input is refused, with the reason shown while dragging.
  await dragBetween(page, handle(page, "8", "0", "source"), handle(page, "3", "latent_image", "target"), { release: false });
  await expect(page.locator(".connection-hint")).toHaveText("IMAGE cannot go into LATENT (latent_image)");
  await page.mouse.up();
  await expect(page.getByTestId("notice")).toContainText("IMAGE cannot go into LATENT");
  const edgesBefore = await page.locator(".react-flow__edge").count();

  const problemsBefore = await page.getByRole("button", { name: /^Problems/ }).textContent();

  // The new latent replaces the old link into latent_image: still one link into it.
  await dragBetween(page, handle(page, "10", "0", "source"), handle(page, "3", "latent_image", "target"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(edgesBefore);
  // The replaced starter latent now feeds nothing: no new problem, ComfyUI ignores unused nodes.
  await expect(page.getByRole("button", { name: /^Problems/ })).toHaveText(problemsBefore!);
});

test("undoes and redoes edits, typing grouped into one step", async ({ page }) => {
  await openNewWorkflow(page, "Undo test");
  const before = await graphHash(page);
  const prompt = node(page, "6").getByLabel("text");
  await prompt.click();
  await prompt.press("End");
  await prompt.pressSequentially(", golden hour", { delay: 20 });
  await expect(prompt).toHaveValue("a lighthouse on a cliff at dusk, oil painting, golden hour");
  const edited = await graphHash(page);
  expect(edited).not.toBe(before);
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z");
  await expect(prompt).toHaveValue("a lighthouse on a cliff at dusk, oil painting");
  expect(await graphHash(page)).toBe(before);
  await page.keyboard.press("Control+Shift+z");
  await expect(prompt).toHaveValue("a lighthouse on a cliff at dusk, oil painting, golden hour");
  expect(await graphHash(page)).toBe(edited);
});

test("the unsaved draft and its undo history survive a reload", async ({ page }) => {
  await openNewWorkflow(page, "Draft test");
  await node(page, "9").click();
  await page.keyboard.press("Control+m");
  await expect(node(page, "9").locator(".node-card")).toHaveClass(/mode-muted/);
  await expect(page.getByTestId("save-state")).toHaveText("Unsaved changes");
  await page.waitForTimeout(700); // the draft is written a moment after the last change
  await page.reload();
  await expect(page.getByTestId("notice")).toContainText("Restored your unsaved changes");
  await expect(node(page, "9").locator(".node-card")).toHaveClass(/mode-muted/);
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z");
  await expect(node(page, "9").locator(".node-card")).not.toHaveClass(/mode-muted/);
});

test("groups selected nodes, and moving the group moves them", async ({ page }) => {
  await openNewWorkflow(page, "Group test");
  await node(page, "6").locator(".node-title").click();
  await node(page, "7").locator(".node-title").click({ modifiers: ["Shift"] });
  await page.keyboard.press("Control+g");
  const group = page.getByTestId("group-g1");
  await expect(group).toBeVisible();
  const nodeBefore = await node(page, "6").boundingBox();
  const title = (await group.locator(".group-title").boundingBox())!;
  await page.mouse.move(title.x + 30, title.y + title.height / 2);
  await page.mouse.down();
  await page.mouse.move(title.x + 130, title.y + title.height / 2 + 60, { steps: 10 });
  await page.mouse.up();
  const nodeAfter = await node(page, "6").boundingBox();
  expect(nodeAfter!.x - nodeBefore!.x).toBeGreaterThan(40);
  expect(nodeAfter!.y - nodeBefore!.y).toBeGreaterThan(20);
});

test("copies and pastes nodes with the links between them", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openNewWorkflow(page, "Clipboard test");
  await node(page, "3").locator(".node-title").click();
  await node(page, "8").locator(".node-title").click({ modifiers: ["Shift"] });
  const edgesBefore = await page.locator(".react-flow__edge").count();
  await page.keyboard.press("Control+c");
  await expect(page.getByTestId("notice")).toHaveText(/Copied 2 nodes/);
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  await page.mouse.move(pane.x + pane.width - 200, pane.y + pane.height - 150);
  await page.keyboard.press("Control+v");
  // Only what is on screen is drawn: fit the view before counting.
  await page.keyboard.press(".");
  await expect(page.locator(".react-flow__node")).toHaveCount(9);
  await expect(node(page, "10")).toContainText("KSampler");
  // The link between the two copied nodes came along; links to the outside did not.
  await expect(page.locator(".react-flow__edge")).toHaveCount(edgesBefore + 1);
});

test("imports a corpus file dropped on the canvas", async ({ page }) => {
  await openNewWorkflow(page, "Drop test");
  const file = join(corpus, "png", "ComfyUI_examples__lora_lora.png");
  const b64 = readFileSync(file).toString("base64");
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: "image/png" }));
      return dt;
    },
    { b64, name: "lora.png" },
  );
  await page.dispatchEvent('[data-testid="canvas"]', "drop", { dataTransfer });
  await expect(page.getByTestId("notice")).toContainText("Imported lora.png");
  await expect(page.locator('.node-card[data-node-type="LoraLoader"]').first()).toBeVisible();
  await page.keyboard.press("Control+z");
  await expect(page.locator(".react-flow__node")).toHaveCount(7);
});

test("exports ComfyUI JSON and re-imports it with no semantic change", async ({ page }) => {
  await openNewWorkflow(page, "Export test");
  const before = await graphHash(page);
  await page.getByRole("navigation", { name: "Editor menu" }).getByRole("button", { name: "File", exact: true }).click();
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("menuitem", { name: "Export ComfyUI workflow (.json)" }).click();
  const download = await downloadPromise;
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, "utf8"));
  expect(exported.nodes).toHaveLength(7);
  expect(exported.links).toHaveLength(9);
  await page.getByLabel("Import workflow file").setInputFiles(path);
  await expect(page.getByTestId("notice")).toContainText("Imported");
  expect(await graphHash(page)).toBe(before);
});

test("auto-layout spreads a piled-up graph left to right, and the minimap pans the canvas", async ({ page }) => {
  // Every node on one spot: auto-layout has to place them by their links.
  const graph = buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 2 });
  const layout = { nodes: Object.fromEntries(graph.nodes.map((n) => [n.id, { x: 0, y: 0 }])), groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
  await openNewWorkflow(page, "Layout test", buildDocument(graph, { layout }));
  await page.keyboard.press("Control+Shift+L");
  // The checkpoint loader feeds the sampler, which feeds the decoder: columns in that order.
  // While the view animates to the new layout a node can be briefly off screen (not drawn): keep polling then.
  const spread = async () => {
    const [decoder, loader] = await Promise.all([node(page, "8").boundingBox(), node(page, "4").boundingBox()]);
    return decoder && loader ? decoder.x - loader.x : -Infinity;
  };
  await expect.poll(spread).toBeGreaterThan(200);
  const loader = (await node(page, "4").boundingBox())!;
  const sampler = (await node(page, "3").boundingBox())!;
  expect(sampler.x).toBeGreaterThan(loader.x);

  const viewport = page.locator(".react-flow__viewport");
  const before = await viewport.getAttribute("style");
  const minimap = page.getByTestId("minimap");
  await expect(minimap).toBeVisible();
  const box = (await minimap.boundingBox())!;
  await minimap.click({ position: { x: 8, y: box.height - 8 } });
  await expect.poll(() => viewport.getAttribute("style")).not.toBe(before);
});
