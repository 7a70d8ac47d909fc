"use client";

import { getIssueNodeId } from "@/lib/graph/issues";
import { useFitNodes } from "./fit";
import { SidePanel } from "./side-panel";
import { useEditor } from "./store";

/** Every validation issue of the draft; clicking one pans to its node and selects it. */
export function ProblemsPanel({ onClose }: { onClose: () => void }) {
  const issues = useEditor((s) => s.issues);
  const nodeIndex = useEditor((s) => s.nodeIndex);
  const setSelection = useEditor((s) => s.setSelection);
  const fit = useFitNodes();
  const errors = issues.filter((i) => i.severity === "error").length;
  return (
    <SidePanel
      label="Problems"
      title={
        <>
          Problems <span className="muted">({errors} errors, {issues.length - errors} warnings)</span>
        </>
      }
      onClose={onClose}
    >
      {issues.length === 0 ? (
        <p className="muted">No problems: ComfyUI would accept this graph.</p>
      ) : (
        <ul className="problems-list">
          {issues.map((issue, i) => {
            const nodeId = getIssueNodeId(issue);
            const node = nodeId ? nodeIndex.get(nodeId) : undefined;
            return (
              <li key={i} className={`problem severity-${issue.severity}`}>
                <button
                  type="button"
                  disabled={!nodeId}
                  onClick={() => {
                    if (!nodeId) return;
                    setSelection({ nodes: new Set([nodeId]), groups: new Set(), edges: new Set() });
                    fit([nodeId], { duration: 250, maxZoom: 1.2 });
                  }}
                >
                  <span className="problem-where">{node ? `${node.title ?? node.type} #${node.id}` : "Graph"}</span>
                  <span className="problem-message">{issue.message}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </SidePanel>
  );
}
