"use client";

import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback } from "react";
import { getNodeDefinition, listInputs, listOutputs } from "@/lib/graph/node-def";
import { fitViewportToLayout } from "./initial-viewport";
import { useEditorStore, type EditorState } from "./store";

/** A node's row count for size estimates (initial-viewport.ts): one per input or output, whichever are more. */
export function rowsOfNodes(s: Pick<EditorState, "nodeIndex" | "catalogue">): (nodeId: string) => number {
  return (id) => {
    const n = s.nodeIndex.get(id);
    const def = n ? getNodeDefinition(s.catalogue, n.type) : undefined;
    return def ? Math.max(listInputs(def).length, listOutputs(def).length) : 1;
  };
}

export type FitOptions = { duration?: number; maxZoom?: number; padding?: number };
export type FitNodes = (ids?: readonly string[], options?: FitOptions) => void;

/**
 * Fits the view to some nodes (all nodes and groups when none are named).
 * React Flow's own fitView only knows the nodes it draws in the DOM; zoomed
 * out to the canvas overview it draws none, so the editor fits from the
 * document: each node's measured size when React Flow has one, else the
 * size the file gives or an estimate (initial-viewport.ts).
 */
export function useFitNodes(): FitNodes {
  const rf = useStoreApi();
  const flow = useReactFlow();
  const editor = useEditorStore();
  return useCallback(
    (ids, options = {}) => {
      const { width, height, nodeLookup, minZoom } = rf.getState();
      const s = editor.getState();
      const wanted = ids ? new Set(ids) : null;
      const nodes = wanted ? s.doc.graph.nodes.filter((n) => wanted.has(n.id)) : s.doc.graph.nodes;
      if (nodes.length === 0 && (wanted || s.doc.layout.groups.length === 0)) return;
      const sized: typeof s.doc.layout.nodes = {};
      for (const n of nodes) {
        const l = s.doc.layout.nodes[n.id];
        const m = nodeLookup.get(n.id)?.measured;
        if (l) sized[n.id] = m?.width && m.height ? { ...l, width: m.width, height: m.height } : l;
      }
      const rowsOf = rowsOfNodes(s);
      const layout = { ...s.doc.layout, nodes: sized, groups: wanted ? [] : s.doc.layout.groups };
      const viewport = fitViewportToLayout({ nodes }, layout, rowsOf, { width, height }, { minZoom, maxZoom: options.maxZoom ?? 1, padding: options.padding ?? 0.1 });
      void flow.setViewport(viewport, { duration: options.duration ?? 200 });
    },
    [rf, flow, editor],
  );
}
