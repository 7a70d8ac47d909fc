"use client";

import type { Node, NodeProps } from "@xyflow/react";
import { memo, useState } from "react";
import { updateGroup } from "@/lib/graph/edit";
import { useEditor, useEditorStore } from "./store";

export type GroupFlowNode = Node<{ groupId: string }, "group-frame">;

/** A titled, coloured frame; dragging its title moves the nodes inside it, as in ComfyUI. */
export const GroupFrame = memo(function GroupFrame({ data, selected }: NodeProps<GroupFlowNode>) {
  const store = useEditorStore();
  const group = useEditor((s) => s.doc.layout.groups.find((g) => g.id === data.groupId));
  const [editing, setEditing] = useState<string | null>(null);
  if (!group) return null;
  const color = group.color ?? "#3f789e";
  return (
    <div className={`group-frame${selected ? " selected" : ""}`} style={{ width: group.width, height: group.height, borderColor: color, background: `${color}22` }} data-testid={`group-${group.id}`}>
      <div className="group-title" style={{ background: `${color}55` }} onDoubleClick={() => setEditing(group.title)}>
        {editing !== null ? (
          <input
            autoFocus
            className="nodrag"
            aria-label="Group title"
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === "Enter") (e.target as HTMLInputElement).blur();
              if (e.key === "Escape") setEditing(null);
            }}
            onBlur={() => {
              const title = editing;
              setEditing(null);
              if (title !== group.title) store.getState().apply("Rename group", (d) => updateGroup(d, group.id, { title }));
            }}
          />
        ) : (
          group.title
        )}
      </div>
    </div>
  );
});
