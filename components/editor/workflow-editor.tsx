"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  type Edge,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { WorkflowDocument } from "@/lib/graph/model";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { BasicNode, type BasicFlowNode } from "./basic-node";

// At module scope so React Flow does not see a new nodeTypes object each render.
const nodeTypes = { basic: BasicNode };

function toFlow(doc: WorkflowDocument): { nodes: BasicFlowNode[]; edges: Edge[] } {
  const inputs = new Map<string, string[]>();
  const outputs = new Map<string, Set<number>>();
  for (const e of doc.graph.edges) {
    const list = inputs.get(e.target) ?? [];
    if (!list.includes(e.targetInput)) list.push(e.targetInput);
    inputs.set(e.target, list);
    const outs = outputs.get(e.source) ?? new Set<number>();
    outs.add(e.sourceSlot);
    outputs.set(e.source, outs);
  }
  const nodes = doc.graph.nodes.map((n, i): BasicFlowNode => {
    const l = doc.layout.nodes[n.id];
    return {
      id: n.id,
      type: "basic",
      position: { x: l?.x ?? i * 40, y: l?.y ?? i * 40 },
      data: { node: n, inputs: inputs.get(n.id) ?? [], outputs: [...(outputs.get(n.id) ?? [])].sort((a, b) => a - b) },
    };
  });
  const edges = doc.graph.edges.map(
    (e): Edge => ({ id: e.id, source: e.source, sourceHandle: String(e.sourceSlot), target: e.target, targetHandle: e.targetInput }),
  );
  return { nodes, edges };
}

function EditorInner({ workflowId, name, initialDocument, initialVersionId }: { workflowId: string; name: string; initialDocument: WorkflowDocument; initialVersionId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [doc, setDoc] = useState<WorkflowDocument>(initialDocument);
  const [baseVersionId, setBaseVersionId] = useState<number | null>(initialVersionId);
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const flow = useMemo(() => toFlow(doc), [doc]);

  const onNodesChange = useCallback((changes: NodeChange<BasicFlowNode>[]) => {
    const moved = changes.filter((c) => c.type === "position" && c.position);
    if (moved.length === 0) return;
    setDoc((d) => {
      const next = applyNodeChanges(moved, toFlow(d).nodes);
      const layoutNodes = { ...d.layout.nodes };
      for (const n of next) layoutNodes[n.id] = { ...layoutNodes[n.id], x: n.position.x, y: n.position.y };
      return { ...d, layout: { ...d.layout, nodes: layoutNodes } };
    });
    setDirty(true);
  }, []);

  const save = useMutation(
    trpc.workflow.save.mutationOptions({
      onSuccess: async (result) => {
        setBaseVersionId(result.version.id);
        setDirty(false);
        setNotice(result.created ? `Saved version ${result.version.id}` : "No changes to save");
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
      },
    }),
  );

  const doSave = useCallback(() => {
    if (save.isPending) return;
    setNotice(null);
    save.mutate({ id: workflowId, baseVersionId, document: doc });
  }, [doc, save, workflowId, baseVersionId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        doSave();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [doSave]);

  return (
    <section className="editor">
      <div className="editor-toolbar">
        <h1 className="editor-title">{name}</h1>
        <span className="muted" data-testid="save-state">
          {save.isPending ? "Saving…" : dirty ? "Unsaved changes" : (notice ?? `Version ${baseVersionId}`)}
        </span>
        <button type="button" className="primary" onClick={doSave} disabled={save.isPending}>
          Save
        </button>
      </div>
      <ErrorText error={save.error} />
      <div className="canvas" data-testid="canvas">
        <ReactFlow
          nodes={flow.nodes}
          edges={flow.edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          fitView
          minZoom={0.05}
          colorMode="dark"
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls />
          <MiniMap pannable zoomable />
        </ReactFlow>
      </div>
    </section>
  );
}

/** The editor page: the workflow's graph on a React Flow canvas, saved as a new version. */
export function WorkflowEditor({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }, { staleTime: Infinity }));
  if (query.error) return <ErrorText error={query.error} />;
  if (!query.data) return <p className="muted">Loading workflow…</p>;
  return (
    <ReactFlowProvider>
      <EditorInner
        key={workflowId}
        workflowId={workflowId}
        name={query.data.name}
        initialDocument={query.data.document}
        initialVersionId={query.data.head.id}
      />
    </ReactFlowProvider>
  );
}
