"use client";

import type { Node, NodeProps } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import type { NodeHighlight } from "@/lib/versions/highlights";
import type { RunOutput } from "@/lib/runs";

/** Outputs of the followed run by prompt node id, shown on their output node. */
export const RunOutputsContext = createContext<Readonly<Record<string, readonly RunOutput[]>>>({});

/** Per-node diff status while comparing; empty when not comparing. */
export const DiffHighlightsContext = createContext<Readonly<Record<string, NodeHighlight>>>({});

export function useNodeHighlight(id: string): NodeHighlight | undefined {
  return useContext(DiffHighlightsContext)[id];
}

export type GhostFlowNode = Node<{ title: string; type: string }, "ghost">;

/** A node the compared version had and the canvas no longer has, drawn ghosted red where it was. */
export const GhostNode = memo(function GhostNode({ data }: NodeProps<GhostFlowNode>) {
  return (
    <div className="node-card ghost diff-removed" title={`Removed: ${data.type}`}>
      <div className="node-title">
        <span className="node-title-text">{data.title}</span>
        <span className="node-mode-badge">removed</span>
      </div>
    </div>
  );
});
