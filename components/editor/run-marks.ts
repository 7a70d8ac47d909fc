"use client";

import { createContext, useContext, useSyncExternalStore } from "react";
import { getNodeRunMark, type NodeRunMark } from "@/components/runs/run-state";

function sameMark(a: NodeRunMark, b: NodeRunMark): boolean {
  return (
    a.state === b.state &&
    a.progress === b.progress &&
    a.label === b.label &&
    a.tone === b.tone &&
    a.message === b.message &&
    (a.traceback === b.traceback || JSON.stringify(a.traceback) === JSON.stringify(b.traceback)) &&
    a.durationMs === b.durationMs &&
    JSON.stringify(a.inputs) === JSON.stringify(b.inputs)
  );
}

/**
 * The followed run's mark for every node on the canvas, handed out per node.
 * A run sends a progress message every sampler step; through a React context
 * each one would re-render every node of the graph, here only the node whose
 * mark changed re-renders. Marks of the nodes inside a subgraph ("12:5") are
 * shown on its instance ("12"), worst state first.
 */
export class RunMarksStore {
  private byNode = new Map<string, NodeRunMark>();
  private readonly listeners = new Set<() => void>();

  /** Takes the run's marks (by prompt node id); keeps the previous object of every node whose mark did not change. */
  set(marks: Readonly<Record<string, NodeRunMark>>): void {
    const next = new Map<string, NodeRunMark>();
    const instances = new Set<string>();
    for (const [id, mark] of Object.entries(marks)) {
      const colon = id.indexOf(":");
      if (colon < 0) next.set(id, mark);
      else instances.add(id.slice(0, colon));
    }
    for (const top of instances) {
      if (next.has(top)) continue;
      const worst = getNodeRunMark(marks as Record<string, NodeRunMark>, top);
      if (worst) next.set(top, worst);
    }
    let changed = next.size !== this.byNode.size;
    for (const [id, mark] of next) {
      const prev = this.byNode.get(id);
      if (prev && sameMark(prev, mark)) next.set(id, prev);
      else changed = true;
    }
    if (!changed) return;
    this.byNode = next;
    for (const l of this.listeners) l();
  }

  /** The mark of one canvas node, or undefined when the run has not reached it. */
  get(nodeId: string): NodeRunMark | undefined {
    return this.byNode.get(nodeId);
  }

  /** Every node's mark (the canvas overview draws them all at once). */
  all(): ReadonlyMap<string, NodeRunMark> {
    return this.byNode;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

const emptyStore = new RunMarksStore();
export const RunMarksStoreContext = createContext<RunMarksStore>(emptyStore);

/** The followed run's mark of one node; re-renders the caller only when that mark changes. */
export function useRunMark(nodeId: string): NodeRunMark | undefined {
  const store = useContext(RunMarksStoreContext);
  return useSyncExternalStore(
    store.subscribe,
    () => store.get(nodeId),
    () => undefined,
  );
}
