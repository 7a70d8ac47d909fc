import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProgressStateTracker } from "./progress-tracker";
import type { ProgressStateData } from "./protocol";

const node = (id: string, state: string, value: number, max: number) => ({
  value,
  max,
  state,
  node_id: id,
  prompt_id: "p",
  display_node_id: id,
  parent_node_id: null,
  real_node_id: id,
});

describe("ProgressStateTracker", () => {
  it("emits only the nodes whose state changed, as in simple-run1", () => {
    const t = new ProgressStateTracker();
    const msg = (nodes: ReturnType<typeof node>[]): ProgressStateData => ({ prompt_id: "p", nodes: Object.fromEntries(nodes.map((n) => [n.node_id, n])) });
    expect(t.update(msg([node("1", "running", 0, 1)])).map((c) => [c.nodeId, c.state])).toEqual([["1", "running"]]);
    expect(t.update(msg([node("1", "finished", 1, 1)])).map((c) => [c.nodeId, c.state])).toEqual([["1", "finished"]]);
    expect(t.update(msg([node("1", "finished", 1, 1), node("2", "running", 0, 1)])).map((c) => [c.nodeId, c.state])).toEqual([["2", "running"]]);
    expect(t.update(msg([node("1", "finished", 1, 1), node("2", "running", 0, 1)]))).toEqual([]);
    expect(t.update(msg([node("1", "finished", 1, 1), node("2", "running", 3, 20)]))).toEqual([
      { promptId: "p", nodeId: "2", state: "running", value: 3, max: 20, displayNodeId: "2", parentNodeId: null, realNodeId: "2" },
    ]);
  });

  it("keeps prompts apart and forgets a reset prompt", () => {
    const t = new ProgressStateTracker();
    const a: ProgressStateData = { prompt_id: "a", nodes: { "1": { ...node("1", "running", 0, 1), prompt_id: "a" } } };
    const b: ProgressStateData = { prompt_id: "b", nodes: { "1": { ...node("1", "running", 0, 1), prompt_id: "b" } } };
    expect(t.update(a)).toHaveLength(1);
    expect(t.update(b)).toHaveLength(1);
    expect(t.update(a)).toHaveLength(0);
    t.reset("a");
    expect(t.update(a)).toHaveLength(1);
  });

  it("rebuilds the latest full state from its changes alone (seeded random runs)", () => {
    const step = fc.record({ id: fc.constantFrom("1", "2", "3", "4", "5"), state: fc.constantFrom("running", "finished"), value: fc.nat(5), max: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const t = new ProgressStateTracker();
        const full = new Map<string, ReturnType<typeof node>>();
        const rebuilt = new Map<string, [string, number, number]>();
        let forwarded = 0;
        for (const s of steps) {
          full.set(s.id, node(s.id, s.state, s.value, s.max));
          const changes = t.update({ prompt_id: "p", nodes: Object.fromEntries(full) });
          forwarded += changes.length;
          for (const c of changes) rebuilt.set(c.nodeId, [c.state, c.value, c.max]);
          expect(rebuilt).toEqual(new Map([...full].map(([id, n]) => [id, [n.state, n.value, n.max]])));
        }
        expect(forwarded).toBeLessThanOrEqual(steps.length);
      }),
      { seed: 20261122, numRuns: 200 },
    );
  });
});
