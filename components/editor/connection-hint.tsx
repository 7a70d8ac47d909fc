"use client";

import { ViewportPortal, useConnection } from "@xyflow/react";
import { checkConnection } from "@/lib/graph/edit";
import type { NodeId } from "@/lib/graph/model";
import { useEditor } from "./store";

/** While a link is dragged over a socket that refuses it, says why, at the cursor. */
export function ConnectionHint() {
  const graph = useEditor((s) => s.doc.graph);
  const catalogue = useEditor((s) => s.catalogue);
  const connection = useConnection();
  if (!connection.inProgress || !connection.toHandle) return null;
  const from = connection.fromHandle;
  const to = connection.toHandle;
  if (from.type === to.type) return null;
  const source = from.type === "source" ? from : to;
  const target = from.type === "source" ? to : from;
  const reason = checkConnection(graph, catalogue, {
    source: source.nodeId as NodeId,
    sourceSlot: Number(source.id ?? 0),
    target: target.nodeId as NodeId,
    targetInput: target.id ?? "",
  });
  if (!reason) return null;
  return (
    <ViewportPortal>
      <div className="connection-hint" role="status" style={{ transform: `translate(${connection.to.x + 14}px, ${connection.to.y + 10}px)` }}>
        {reason}
      </div>
    </ViewportPortal>
  );
}
