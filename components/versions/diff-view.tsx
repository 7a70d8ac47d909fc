"use client";

import { useMemo } from "react";
import { diffDocuments } from "@/lib/graph/diff";
import type { WorkflowDocument } from "@/lib/graph/model";
import { DiffList } from "./diff-list";

/** The semantic diff between two documents (versions, or the draft and the head), computed in the browser with lib/graph. */
export function DiffView({ before, after, beforeLabel = "before", afterLabel = "after" }: { before: WorkflowDocument; after: WorkflowDocument; beforeLabel?: string; afterLabel?: string }) {
  const diff = useMemo(() => diffDocuments(before, after), [before, after]);
  const types = useMemo(() => {
    const m = new Map<string, string>();
    for (const n of before.graph.nodes) m.set(n.id, n.title ? `#${n.id} ${n.title}` : `#${n.id} ${n.type}`);
    for (const n of after.graph.nodes) m.set(n.id, n.title ? `#${n.id} ${n.title}` : `#${n.id} ${n.type}`);
    return m;
  }, [before, after]);
  return (
    <div>
      <p className="muted">
        {beforeLabel} → {afterLabel}
      </p>
      <DiffList diff={diff} nodeLabel={(id) => types.get(id)} />
    </div>
  );
}
