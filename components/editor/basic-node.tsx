"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { GraphNode } from "@/lib/graph/model";

export type BasicNodeData = {
  node: GraphNode;
  inputs: string[];
  outputs: number[];
};
export type BasicFlowNode = Node<BasicNodeData, "basic">;

function preview(value: unknown): string {
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return s.length > 48 ? `${s.slice(0, 47)}…` : s;
}

/** A plain node card: title, linked inputs on the left, outputs on the right, widget values. */
export const BasicNode = memo(function BasicNode({ data, selected }: NodeProps<BasicFlowNode>) {
  const { node, inputs, outputs } = data;
  return (
    <div className={`node-card mode-${node.mode}${selected ? " selected" : ""}`} data-testid={`node-${node.id}`}>
      <div className="node-title">{node.title ?? node.type}</div>
      <div className="node-body">
        {inputs.map((name, i) => (
          <div className="node-slot" key={`in-${name}`} style={{ top: 34 + i * 20 }}>
            <Handle type="target" position={Position.Left} id={name} style={{ top: 42 + i * 20 }} />
            <span>{name}</span>
          </div>
        ))}
        {outputs.map((slot, i) => (
          <Handle key={`out-${slot}`} type="source" position={Position.Right} id={String(slot)} style={{ top: 42 + i * 20 }} />
        ))}
        <dl className="node-widgets">
          {Object.entries(node.widgets).map(([k, v]) => (
            <div key={k} className="node-widget">
              <dt>{k}</dt>
              <dd>{preview(v)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
});
