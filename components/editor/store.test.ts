import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { moveNodes, removeNodes, setWidget } from "@/lib/graph/edit";
import { asNodeId } from "@/lib/graph/model";
import { createStarterDocument } from "@/lib/graph/starter";
import { createEditorStore, selectDirty } from "./store";

function setup() {
  let t = 0;
  const doc = createStarterDocument("x");
  const store = createEditorStore({ workflowId: "w", name: "x", doc, baseVersionId: 1, catalogue: BUNDLED_CATALOGUE, now: () => t });
  return { store, doc, tick: (ms: number) => (t += ms) };
}
const steps = (s: ReturnType<typeof setup>["store"]) => s.getState().doc.graph.nodes.find((n) => n.id === "3")!.widgets.steps;

describe("editor store", () => {
  it("undoes and redoes an edit", () => {
    const { store, doc } = setup();
    store.getState().apply("Delete", (d) => removeNodes(d, [asNodeId("3")]));
    expect(store.getState().doc.graph.nodes).toHaveLength(6);
    store.getState().undo();
    expect(store.getState().doc).toBe(doc);
    store.getState().redo();
    expect(store.getState().doc.graph.nodes).toHaveLength(6);
    expect(store.getState().past.map((e) => e.label)).toEqual(["Delete"]);
  });

  it("groups typing in one field into a single undo step, and a pause starts a new one", () => {
    const { store, tick } = setup();
    for (const v of [2, 25, 250]) {
      store.getState().apply("Set steps", (d) => setWidget(d, asNodeId("3"), "steps", v), { coalesce: "widget:3:steps" });
      tick(200);
    }
    expect(store.getState().past).toHaveLength(1);
    tick(5_000);
    store.getState().apply("Set steps", (d) => setWidget(d, asNodeId("3"), "steps", 30), { coalesce: "widget:3:steps" });
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    expect(steps(store)).toBe(250);
    store.getState().undo();
    expect(steps(store)).toBe(20);
  });

  it("makes one undo step of a whole drag however long it takes", () => {
    const { store, tick } = setup();
    for (let i = 1; i <= 30; i++) {
      store.getState().apply("Move", (d) => moveNodes(d, [{ id: "3", x: i * 10, y: 0 }]), { coalesce: "gesture:1" });
      tick(500);
    }
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().doc.layout.nodes["3"]!.x).toBe(300);
    store.getState().undo();
    expect(store.getState().doc.layout.nodes["3"]!.x).toBe(863);
  });

  it("clears redo when a new edit is made", () => {
    const { store } = setup();
    store.getState().apply("Set", (d) => setWidget(d, asNodeId("3"), "steps", 5));
    store.getState().undo();
    expect(store.getState().future).toHaveLength(1);
    store.getState().apply("Set", (d) => setWidget(d, asNodeId("3"), "steps", 6));
    expect(store.getState().future).toHaveLength(0);
  });

  it("revalidates when the graph changes but not when only the layout does", () => {
    const { store } = setup();
    const issues = store.getState().issues;
    store.getState().apply("Move", (d) => moveNodes(d, [{ id: "3", x: 0, y: 0 }]));
    expect(store.getState().issues).toBe(issues);
    store.getState().apply("Set", (d) => setWidget(d, asNodeId("3"), "steps", 0));
    expect(store.getState().issuesByNode.get("3")).toEqual([expect.objectContaining({ kind: "value_out_of_range", inputName: "steps" })]);
  });

  it("is dirty after an edit and clean once that document is saved", () => {
    const { store } = setup();
    expect(selectDirty(store.getState())).toBe(false);
    store.getState().apply("Set", (d) => setWidget(d, asNodeId("3"), "steps", 5));
    expect(selectDirty(store.getState())).toBe(true);
    store.getState().markSaved(store.getState().doc, 2);
    expect(selectDirty(store.getState())).toBe(false);
    expect(store.getState().baseVersionId).toBe(2);
  });

  it("ignores an edit that changes nothing", () => {
    const { store } = setup();
    store.getState().apply("Nothing", (d) => d);
    expect(store.getState().past).toHaveLength(0);
  });
});
