import { expect, type Locator, type Page } from "@playwright/test";

/** Creates a workflow through the API (faster than clicking) and opens it in the editor. */
export async function openNewWorkflow(page: Page, name: string, document?: unknown): Promise<string> {
  const res = await page.request.post("/api/trpc/workflow.create", { data: document ? { name, document } : { name } });
  expect(res.ok(), await res.text()).toBe(true);
  const id = (await res.json()).result.data.id as string;
  await page.goto(`/workflows/${id}`);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  return id;
}

export function node(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

export function handle(page: Page, nodeId: string, handleId: string, type: "source" | "target"): Locator {
  return page.locator(`.react-flow__handle.${type}[data-nodeid="${nodeId}"][data-handleid="${handleId}"]`);
}

/** Drags from one socket to another with the mouse, as a person does. */
export async function dragBetween(page: Page, from: Locator, to: Locator, options: { release?: boolean } = {}) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error("socket not on screen");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  if (options.release !== false) await page.mouse.up();
}

export async function graphHash(page: Page): Promise<string> {
  return (await page.getByTestId("graph-hash").getAttribute("title"))!.replace(/^.*: /, "");
}
