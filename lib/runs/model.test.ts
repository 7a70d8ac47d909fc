import { describe, expect, it } from "vitest";
import { buildRunView } from "@/lib/testing";
import { applyRunStreamEvent, computeRunProgress, makeNodeRunState, mediaKindOf, type RunView } from "./model";

const view = (): RunView =>
  buildRunView({
    id: "r1",
    workflowId: "w",
    versionId: 1,
    unsaved: false,
    queuePosition: 2,
    createdAt: 1,
    queuedAt: 1,
    nodes: { "1": makeNodeRunState(), "2": makeNodeRunState(), "3": makeNodeRunState(), "4": makeNodeRunState() },
  });

describe("run stream folding", () => {
  it("ignores changes before the first snapshot and starts from it", () => {
    expect(applyRunStreamEvent(null, { type: "node", nodeId: "1", node: makeNodeRunState("done") })).toBeNull();
    expect(applyRunStreamEvent(null, { type: "snapshot", run: view() })).toEqual(view());
  });

  it("applies status, node and output events without changing the previous view", () => {
    const before = view();
    let v = applyRunStreamEvent(before, { type: "status", status: "running", queuePosition: null, promptId: "p", at: 5 });
    v = applyRunStreamEvent(v, { type: "node", nodeId: "2", node: { ...makeNodeRunState("running"), value: 5, max: 10 } });
    const output = { index: 0, nodeId: "4", filename: "a.png", subfolder: "", type: "output", media: "image" as const, url: "/files/runs/r1/0", bytes: 3, problem: null };
    v = applyRunStreamEvent(v, { type: "output", output });
    v = applyRunStreamEvent(v, { type: "output", output });
    expect(v).toEqual({ ...before, status: "running", queuePosition: null, promptId: "p", nodes: { ...before.nodes, "2": { ...makeNodeRunState("running"), value: 5, max: 10 } }, outputs: [output] });
    expect(before.status).toBe("queued");
  });

  it("takes the run's sentence from a status event that carries one and keeps it otherwise", () => {
    const waiting = applyRunStreamEvent(view(), { type: "status", status: "running", queuePosition: null, promptId: "p", detail: "Waiting for ComfyUI", at: 5 });
    expect(waiting?.detail).toBe("Waiting for ComfyUI");
    expect(applyRunStreamEvent(waiting, { type: "status", status: "running", queuePosition: null, promptId: "p", at: 6 })?.detail).toBe("Waiting for ComfyUI");
    expect(applyRunStreamEvent(waiting, { type: "status", status: "running", queuePosition: null, promptId: "p", detail: null, at: 7 })?.detail).toBeNull();
  });

  it("counts finished and cached nodes whole and the running node by its steps", () => {
    const v = view();
    v.nodes["1"] = makeNodeRunState("cached");
    v.nodes["2"] = makeNodeRunState("done");
    v.nodes["3"] = { ...makeNodeRunState("running"), value: 1, max: 2 };
    expect(computeRunProgress(v)).toBe(2.5 / 4);
    expect(computeRunProgress({ ...v, status: "success" })).toBe(1);
  });

  it("tells media kinds from file names", () => {
    expect(["a.PNG", "b.webp", "c.mp4", "d.flac", "e.txt", "f.glb"].map(mediaKindOf)).toEqual(["image", "image", "video", "audio", "text", "other"]);
  });
});
