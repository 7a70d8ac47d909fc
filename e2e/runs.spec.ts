import { expect, test, type Page } from "@playwright/test";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";

const txt2img = (steps: number, width = 512) => buildDocument(buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps, width }));

async function trpc<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: input });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()).result.data as T;
}

test("a finished run shows its output on the runs list, and Run again re-runs that exact version live", async ({ page }) => {
  const wf = await trpc<{ id: string; head: { id: number } }>(page, "workflow.create", { name: "runs e2e fox", document: txt2img(4) });
  const run = await trpc<{ id: string }>(page, "run.start", { workflowId: wf.id });
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("run-status")).toHaveText("done");
  await expect(page.getByTestId("run-outputs").locator("img")).toHaveCount(1);
  await expect(page.getByTestId("run-nodes").locator("tbody tr")).toHaveCount(7);
  await expect(page.getByText(`version ${wf.head.id}`).first()).toBeVisible();

  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await expect(page).toHaveURL(/\/runs$/);
  const row = page.getByTestId("run-row").first();
  await expect(row).toHaveAttribute("data-status", "success");
  await expect(row.locator("img")).toBeVisible();
  await expect(row.getByRole("link", { name: `version ${wf.head.id}` })).toHaveAttribute("href", `/workflows/${wf.id}/history?version=${wf.head.id}`);

  await row.getByRole("button", { name: "Run again" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toContain(run.id);
  await expect(page.getByTestId("run-status")).toHaveText("done");
  await expect(page.getByText("again of")).toBeVisible();
});

test("a refused run names the node and input; filters narrow the list", async ({ page }) => {
  const good = await trpc<{ id: string }>(page, "run.start", { document: txt2img(2) });
  const bad = await trpc<{ id: string; status: string }>(page, "run.start", { document: txt2img(2, 999999) });
  expect(bad.status).toBe("rejected");
  await page.goto(`/runs/${bad.id}`);
  await expect(page.getByTestId("run-status")).toHaveText("refused");
  await expect(page.getByTestId("run-problems")).toContainText('Node 5 (EmptyLatentImage), input "width"');

  await page.goto("/runs");
  const rows = page.getByTestId("run-row");
  await expect(rows.filter({ has: page.locator(`a[href="/runs/${good.id}"]`) })).toHaveCount(1);
  await page.getByTestId("runs-filter-status").selectOption("rejected");
  // Other specs may have refused runs of their own: the filter shows ours, and only refused ones.
  await expect(rows.filter({ has: page.locator(`a[href="/runs/${bad.id}"]`) })).toHaveCount(1);
  await expect(rows.filter({ has: page.locator(`a[href="/runs/${good.id}"]`) })).toHaveCount(0);
  await expect(rows.and(page.locator(':not([data-status="rejected"])'))).toHaveCount(0);
});
