"use client";

import { useQuery } from "@tanstack/react-query";
import { Controls, ReactFlow, ReactFlowProvider, applyNodeChanges, type Edge, type Node, type NodeChange } from "@xyflow/react";
import { useCallback, useState } from "react";
import { useTRPC } from "@/components/trpc";
import type { WorkflowDocument } from "@/lib/graph/model";

function toFlow(doc: WorkflowDocument): { nodes: Node[]; edges: Edge[] } {
  return {
    nodes: doc.graph.nodes.map((n) => ({ id: n.id, position: { x: doc.layout.nodes[n.id]?.x ?? 0, y: doc.layout.nodes[n.id]?.y ?? 0 }, data: { label: n.title ?? n.type } })),
    edges: doc.graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
  };
}

function Bare({ doc }: { doc: WorkflowDocument }) {
  const [initial] = useState(() => toFlow(doc));
  const [nodes, setNodes] = useState(initial.nodes);
  const onNodesChange = useCallback((changes: NodeChange[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  return (
    <div className="canvas" data-testid="canvas" style={{ height: "100%" }}>
      <ReactFlow nodes={nodes} edges={initial.edges} onNodesChange={onNodesChange} onlyRenderVisibleElements fitView minZoom={0.05} colorMode="dark">
        <Controls />
      </ReactFlow>
    </div>
  );
}

/** A bare React Flow page for the benchmark's comparison. */
export function BareFlow({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));
  if (!query.data) return <p>Loading…</p>;
  return (
    <ReactFlowProvider>
      <div data-testid="graph-hash" style={{ display: "none" }} />
      <Bare doc={query.data.document} />
    </ReactFlowProvider>
  );
}
