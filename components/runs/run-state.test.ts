import { describe, expect, it } from "vitest";
import { makeNodeRunState, type RunView } from "@/lib/runs";
import { buildRunView } from "@/lib/testing";
import { getNodeRunMark, getNodeRunMarks } from "./run-state";

const run = (patch: Partial<RunView>): RunView => buildRunView({ promptId: "p", status: "running", queuedAt: 0, startedAt: 0, ...patch });

describe("node run marks", () => {
  it("shows step progress for a running sampler and durations for finished nodes", () => {
    const marks = getNodeRunMarks(run({ nodes: { "3": { ...makeNodeRunState("running"), value: 5, max: 20 }, "4": { ...makeNodeRunState("done"), startedAt: 10, finishedAt: 35 } } }));
    expect(marks["3"]).toEqual({ state: "running", progress: 0.25, label: "5/20", tone: "active", message: null, traceback: null, inputs: {}, durationMs: null });
    expect(marks["4"]).toMatchObject({ state: "done", label: "done", tone: "ok", durationMs: 25 });
  });

  it("pins validation problems to their node and input", () => {
    const marks = getNodeRunMarks(
      run({
        status: "rejected",
        nodes: { "5": makeNodeRunState("error") },
        rejection: { message: "refused", issues: [{ nodeId: "5", classType: "EmptyLatentImage", inputName: "width", type: "value_bigger_than_max", message: "too wide" }] },
      }),
    );
    expect(marks["5"]).toMatchObject({ state: "error", tone: "danger", message: "too wide", inputs: { width: ["too wide"] } });
  });

  it("marks a subgraph instance with the most telling state of its inner nodes", () => {
    const marks = getNodeRunMarks(run({ nodes: { "12:1": makeNodeRunState("done"), "12:2": { ...makeNodeRunState("running"), value: 1, max: 4 }, "12:3": makeNodeRunState("queued"), "2": makeNodeRunState("cached") } }));
    expect(getNodeRunMark(marks, "12")).toMatchObject({ state: "running", label: "1/4" });
    expect(getNodeRunMark(marks, "2")).toMatchObject({ state: "cached" });
    expect(getNodeRunMark(marks, "1")).toBeUndefined();
  });

  it("keeps the mark object of a node whose state did not change and makes a new one for the node that did", () => {
    const before = run({ nodes: { "1": makeNodeRunState("done"), "3": { ...makeNodeRunState("running"), value: 1, max: 20 } } });
    const first = getNodeRunMarks(before);
    const after = { ...before, nodes: { ...before.nodes, "3": { ...makeNodeRunState("running"), value: 2, max: 20 } } };
    const second = getNodeRunMarks(after, { nodes: before.nodes, marks: first });
    expect(second["1"]).toBe(first["1"]);
    expect(second["3"]).not.toBe(first["3"]);
    expect(second).toEqual({ "1": first["1"], "3": { ...first["3"], progress: 0.1, label: "2/20" } });
  });
});
