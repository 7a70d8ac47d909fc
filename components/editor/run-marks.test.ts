import { describe, expect, it, vi } from "vitest";
import type { NodeRunMark } from "@/components/runs/run-state";
import { RunMarksStore } from "./run-marks";

const mark = (state: NodeRunMark["state"], progress: number | null = null): NodeRunMark => ({
  state,
  progress,
  label: progress === null ? state : `${Math.round(progress * 10)}/10`,
  tone: state === "error" ? "danger" : "active",
  message: null,
  traceback: state === "error" ? ["line 1"] : null,
  inputs: {},
  durationMs: null,
});

describe("RunMarksStore", () => {
  it("keeps the mark object of every node whose mark did not change, and tells listeners only about real changes", () => {
    const store = new RunMarksStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.set({ "4": mark("done"), "3": mark("running", 0.1), "7": mark("error") });
    const done = store.get("4");
    const failed = store.get("7");
    store.set({ "4": mark("done"), "3": mark("running", 0.2), "7": mark("error") });
    expect(store.get("4")).toBe(done);
    expect(store.get("7")).toBe(failed);
    expect(store.get("3")?.progress).toBe(0.2);
    expect(listener).toHaveBeenCalledTimes(2);
    store.set({ "4": mark("done"), "3": mark("running", 0.2), "7": mark("error") });
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it("shows the worst mark of a subgraph's inner nodes on its instance, unless the instance has its own", () => {
    const store = new RunMarksStore();
    store.set({ "12:5": mark("done"), "12:6": mark("running", 0.5), "2": mark("cached") });
    expect(store.get("12")?.state).toBe("running");
    expect(store.get("2")?.state).toBe("cached");
    expect(store.get("1")).toBeUndefined();
    store.set({});
    expect(store.get("12")).toBeUndefined();
  });
});
