import { expect, test, type Page } from "@playwright/test";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { createNode } from "@/lib/graph/edit";
import { asEdgeId, asNodeId, type GraphEdge, type GraphNode } from "@/lib/graph/model";
import { buildDocument } from "@/lib/testing";
import { node } from "./helpers";

// A graph too big to read at once: 300 image nodes, 20 to a row, 300 × 260 apart. It opens fitted, far below the
// overview zoom, so the editor draws it on its canvas and the person works on the drawing.
const COLS = 20;
const SPACING = { x: 300, y: 260 };
const at = (i: number) => ({ x: ((i - 1) % COLS) * SPACING.x, y: Math.floor((i - 1) / COLS) * SPACING.y });

function bigDocument(n: number) {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const layout: Record<string, { x: number; y: number }> = {};
  for (let i = 1; i <= n; i++) {
    const col = (i - 1) % COLS;
    const type = col === 0 ? "EmptyImage" : "ImageInvert";
    nodes.push(createNode(BUNDLED_CATALOGUE, type, asNodeId(String(i))));
    layout[String(i)] = at(i);
    if (col > 0) edges.push({ id: asEdgeId(String(i)), source: asNodeId(String(i - 1)), sourceSlot: 0, target: asNodeId(String(i)), targetInput: "image" });
  }
  return buildDocument({ nodes, edges }, { layout: { nodes: layout, groups: [], viewport: { x: 0, y: 0, zoom: 1 } } });
}

/** Where a flow point is on the page, from the viewport's transform. */
async function toScreen(page: Page, p: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const style = (await page.locator(".react-flow__viewport").getAttribute("style")) ?? "";
  const m = /translate\(([-0-9.]+)px, ([-0-9.]+)px\) scale\(([0-9.]+)\)/.exec(style);
  if (!m) throw new Error(`no viewport transform in "${style}"`);
  const pane = (await page.locator(".react-flow").boundingBox())!;
  const k = Number(m[3]);
  return { x: pane.x + Number(m[1]) + p.x * k, y: pane.y + Number(m[2]) + p.y * k };
}

/** A point inside node i's title bar. */
const titleOf = (i: number) => ({ x: at(i).x + 120, y: at(i).y + 15 });

async function openBig(page: Page): Promise<void> {
  const res = await page.request.post("/api/trpc/workflow.create", { data: { name: "Big graph", document: bigDocument(300) } });
  expect(res.ok(), await res.text()).toBe(true);
  const id = (await res.json()).result.data.id as string;
  await page.goto(`/workflows/${id}`);
  await expect(page.getByRole("heading", { name: "Big graph" })).toBeVisible();
  await expect(overview(page)).toHaveAttribute("aria-label", /Overview of 300 nodes/);
}

const overview = (page: Page) => page.getByTestId("overview-canvas");

test("a large graph opens as the canvas overview, with no node in the DOM", async ({ page }) => {
  await openBig(page);
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
  await expect(overview(page)).toHaveAttribute("aria-label", /0 selected/);
});

test("in the overview, click and shift-click select, dragging moves the selection as one undo step", async ({ page }) => {
  await openBig(page);
  const a = await toScreen(page, titleOf(45));
  await page.mouse.click(a.x, a.y);
  await expect(overview(page)).toHaveAttribute("aria-label", /, 1 selected/);
  const b = await toScreen(page, titleOf(46));
  await page.keyboard.down("Shift");
  await page.mouse.click(b.x, b.y);
  await page.keyboard.up("Shift");
  await expect(overview(page)).toHaveAttribute("aria-label", /, 2 selected/);

  // Drag node 45 down and right: 46 goes with it.
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 60, a.y + 90, { steps: 10 });
  await page.mouse.up();
  await expect(overview(page)).toHaveAttribute("aria-label", /, 2 selected/);
  // No search popped up, the click after the drag did not clear the selection.
  await expect(page.getByRole("dialog", { name: "Add node" })).toHaveCount(0);

  // Where 45 is now, a double-click zooms in on it: the DOM node appears, and 46 kept its place beside it.
  await page.mouse.dblclick(a.x + 60, a.y + 90);
  await expect(node(page, "45")).toBeVisible();
  await expect(page.getByRole("dialog", { name: "Add node" })).toHaveCount(0);
  await expect(overview(page)).toHaveCount(0);
  await expect(node(page, "45")).toHaveClass(/selected/);
  await expect.poll(async () => {
    const [p45, p46] = await Promise.all([node(page, "45").boundingBox(), node(page, "46").boundingBox()]);
    return p45 && p46 ? Math.round(p46.x - p45.x) : NaN;
  }).toBe(SPACING.x);
  const moved = await page.evaluate(() => document.querySelector('.react-flow__node[data-id="45"]')!.getAttribute("style"));
  expect(moved).not.toContain(`translate(${at(45).x}px, ${at(45).y}px)`);

  // One undo puts both back where they were: fitted again, a double-click on 45's old place finds it there.
  await page.keyboard.press("Control+z");
  await page.keyboard.press(".");
  await expect(overview(page)).toBeVisible();
  await page.waitForTimeout(300); // the fit animates
  const back = await toScreen(page, titleOf(45));
  await page.mouse.dblclick(back.x, back.y);
  await expect(node(page, "45")).toBeVisible();
  await expect.poll(async () => page.evaluate(() => document.querySelector('.react-flow__node[data-id="46"]')?.getAttribute("style") ?? "")).toContain(`translate(${at(46).x}px, ${at(46).y}px)`);
  expect(await page.evaluate(() => document.querySelector('.react-flow__node[data-id="45"]')!.getAttribute("style"))).toContain(`translate(${at(45).x}px, ${at(45).y}px)`);
});

test("in the overview, shift-drag on empty canvas box-selects, and Delete removes what it caught", async ({ page }) => {
  await openBig(page);
  // Around nodes 1–3 of the first row, starting in the empty margin above them.
  const from = await toScreen(page, { x: -40, y: -40 });
  const to = await toScreen(page, { x: at(3).x + 280, y: 230 });
  await page.keyboard.down("Shift");
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  await expect(overview(page)).toHaveAttribute("aria-label", /, 3 selected/);
  await page.keyboard.press("Delete");
  await expect(overview(page)).toHaveAttribute("aria-label", /Overview of 297 nodes/);
  await page.keyboard.press("Control+z");
  await expect(overview(page)).toHaveAttribute("aria-label", /Overview of 300 nodes/);
  // A plain click on empty canvas clears the selection.
  const empty = await toScreen(page, { x: -200, y: -200 });
  await page.mouse.click(empty.x + 5, empty.y + 5);
  await expect(overview(page)).toHaveAttribute("aria-label", /, 0 selected/);
});

test("zooming in leaves the overview for DOM nodes, and the fit view button frames the whole graph in it again", async ({ page }) => {
  await openBig(page);
  const middle = await toScreen(page, titleOf(150));
  await page.mouse.move(middle.x, middle.y);
  for (let i = 0; i < 6 && (await overview(page).count()) > 0; i++) {
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(150);
  }
  await expect(overview(page)).toHaveCount(0);
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  await page.locator(".react-flow__controls-fitview").click();
  await expect(overview(page)).toHaveAttribute("aria-label", /\(300 in view\)/);
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
});

test("a workflow reopens where it was left: zoomed in on a big graph, only the nodes in view are drawn", async ({ page }) => {
  await openBig(page);
  const target = await toScreen(page, titleOf(150));
  await page.mouse.dblclick(target.x, target.y);
  await expect(node(page, "150")).toBeVisible();
  await page.waitForTimeout(400); // the zoom animates; the view is remembered when it stops
  const viewport = page.locator(".react-flow__viewport");
  const left = await viewport.getAttribute("style");
  await page.reload();
  await expect(node(page, "150")).toBeVisible();
  await expect(viewport).toHaveAttribute("style", left!);
  await expect(overview(page)).toHaveCount(0);
  expect(await page.locator(".react-flow__node").count()).toBeLessThan(40);
});
