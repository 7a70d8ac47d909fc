"use client";

import { Handle, Position, useStore, type Node, type NodeProps } from "@xyflow/react";
import { createContext, memo, useCallback, useContext, useState, type ReactNode } from "react";
import { setControl, setTitle, setWidget } from "@/lib/graph/edit";
import type { GraphIssue } from "@/lib/graph/issues";
import type { ControlAfterGenerate, JsonValue, NodeId } from "@/lib/graph/model";
import { listInputs, listOutputs, type InputInfo } from "@/lib/graph/node-def";
import { NodeRunBadge } from "@/components/runs/node-run-badge";
import { RunOutputs } from "@/components/runs/run-outputs";
import { RunOutputsContext, useNodeHighlight } from "./diff-overlay";
import { useRunMark } from "./run-marks";
import type { NodeView } from "./node-view";
import { useEditorStore } from "./store";
import { typeColor } from "./type-colors";
import { ImageWidget } from "./image-widget";
import { ComboWidget, ControlWidget, NumberWidget, TextWidget, ToggleWidget } from "./widgets";

export type WorkflowFlowNode = Node<NodeView, "workflow">;

/**
 * Below this zoom a node draws its title and sockets but no widgets, as
 * ComfyUI's low-quality mode does: widgets are unreadable there, and leaving
 * them out keeps a fitted 2,000-node graph to a fraction of the DOM.
 */
const DETAIL_ZOOM = 0.45;
const selectLowDetail = (s: { transform: [number, number, number] }) => s.transform[2] < DETAIL_ZOOM;
const LowDetailContext = createContext(false);

/**
 * Tells the nodes inside whether the canvas is zoomed out past readable
 * widgets: one subscription to the zoom for the whole canvas, where one per
 * node would be thousands of selector calls on every pan and zoom frame.
 */
export function LowDetailBoundary({ children }: { children: ReactNode }) {
  const lowDetail = useStore(selectLowDetail);
  return <LowDetailContext.Provider value={lowDetail}>{children}</LowDetailContext.Provider>;
}

function issueFor(issues: readonly GraphIssue[], input: string, fromRun?: Record<string, string[]>): string | undefined {
  const found = issues.filter((i) => "inputName" in i && i.inputName === input).map((i) => i.message);
  // What ComfyUI itself refused on the last run (its node_errors) marks the same spot.
  for (const m of fromRun?.[input] ?? []) if (!found.includes(m)) found.push(m);
  return found.length > 0 ? found.join("\n") : undefined;
}

function Socket({ type, id, kind, color, top }: { type: "source" | "target"; id: string; kind: string; color: string; top?: number }) {
  return (
    <Handle
      type={type}
      id={id}
      position={type === "target" ? Position.Left : Position.Right}
      className="socket"
      style={top === undefined ? { background: color, borderColor: color } : { background: color, borderColor: color, top }}
      data-socket-type={kind}
    />
  );
}

/** Row height of a socket row (globals.css .node-row): low-detail nodes place their sockets where the rows would be. */
const ROW = 22;

/**
 * React Flow re-renders a node when its size, position or z-index change (after it is measured, while it is
 * dragged); none of those change what a node draws, so only its identity, data and selection count here.
 */
function drawsTheSame(a: NodeProps<WorkflowFlowNode>, b: NodeProps<WorkflowFlowNode>): boolean {
  return a.id === b.id && a.data === b.data && a.selected === b.selected;
}

/**
 * A ComfyUI node on the canvas: title, typed sockets, and widgets made from
 * its definition. Memoised and fed only through its `data` (see node-view.ts),
 * so moving or editing one node re-renders that node only (the 2,000-node
 * budget depends on it).
 */
export const FlowNode = memo(function FlowNode({ id, selected, data }: NodeProps<WorkflowFlowNode>) {
  const store = useEditorStore();
  const { node, def, collapsed, issues, linked } = data;
  const [renaming, setRenaming] = useState<string | null>(null);
  const lowDetail = useContext(LowDetailContext);
  const highlight = useNodeHighlight(id);
  // Subgraph instances show the worst state of the nodes inside them ("12:5" → 12).
  const runMark = useRunMark(id);
  const runOutputs = useContext(RunOutputsContext)[id];

  const change = useCallback(
    (name: string) => (value: JsonValue) =>
      store.getState().apply(`Set ${name}`, (d) => setWidget(d, id as NodeId, name, value), { coalesce: `widget:${id}:${name}` }),
    [store, id],
  );
  const changeControl = useCallback(
    (name: string) => (value: ControlAfterGenerate) => store.getState().apply(`Set ${name} control`, (d) => setControl(d, id as NodeId, name, value)),
    [store, id],
  );

  if (!node) return null;
  const title = node.title ?? def?.display_name ?? node.type;
  const errors = issues.filter((i) => i.severity === "error");
  const nodeIssueText = issues.filter((i) => !("inputName" in i) || !i.inputName).map((i) => i.message).join("\n");

  const diffLines = highlight && highlight.changes.length > 0 && (
    <ul className="node-diff-lines" aria-label="Changes">
      {highlight.changes.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
  const titleBar = (
    <>
    <div
      className="node-title"
      title={nodeIssueText || (node.title ? node.type : undefined)}
      onDoubleClick={(e) => {
        e.stopPropagation();
        setRenaming(title);
      }}
    >
      {renaming !== null ? (
        <input
          autoFocus
          className="nodrag node-rename"
          aria-label="Node title"
          value={renaming}
          onChange={(e) => setRenaming(e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            if (e.key === "Escape") setRenaming(null);
          }}
          onBlur={() => {
            const value = renaming;
            setRenaming(null);
            if (value !== title) store.getState().apply("Rename node", (d) => setTitle(d, id as NodeId, value === (def?.display_name ?? node.type) ? "" : value));
          }}
        />
      ) : (
        <span className="node-title-text">{title}</span>
      )}
      {node.mode !== "active" && <span className={`node-mode-badge mode-${node.mode}`}>{node.mode}</span>}
      {errors.length > 0 && (
        <span className="node-issue-badge" aria-label={`${errors.length} problems`}>
          {errors.length}
        </span>
      )}
      {highlight && highlight.status !== "moved" && <span className={`node-diff-badge diff-${highlight.status}`}>{highlight.status}</span>}
      <NodeRunBadge mark={runMark} />
    </div>
    {diffLines}
    {runMark?.progress != null && (
      <div className="node-run-progress" role="progressbar" aria-label="Node progress" aria-valuenow={Math.round(runMark.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${Math.round(runMark.progress * 100)}%` }} />
      </div>
    )}
    {runMark?.state === "error" && runMark.message && <div className="node-run-error" role="alert">{runMark.message}</div>}
    </>
  );

  const className = `node-card${runMark ? ` run-${runMark.state}` : ""}${highlight ? ` diff-${highlight.status}` : ""}${lowDetail ? " low-detail" : ""} mode-${node.mode}${selected ? " selected" : ""}${errors.length > 0 ? " has-errors" : ""}${def ? "" : " unknown"}${collapsed ? " collapsed" : ""}`;

  if (node.type === "Note" || node.type === "MarkdownNote") {
    return (
      <div className={`${className} note`} data-node-type={node.type} data-testid={`node-${id}`}>
        {titleBar}
        {!collapsed && <TextWidget input={{ name: "text", index: 0, required: true, kind: "widget", type: "STRING", widgetType: "STRING", options: { multiline: true } }} value={node.widgets.text ?? ""} onChange={change("text")} />}
      </div>
    );
  }

  if (node.type === "Reroute") {
    return (
      <div className={`${className} reroute`} data-node-type="Reroute" data-testid={`node-${id}`} title="Reroute">
        <Socket type="target" id="" kind="*" color={typeColor("*")} />
        <Socket type="source" id="0" kind="*" color={typeColor("*")} />
      </div>
    );
  }

  const inputs: InputInfo[] = def ? [...listInputs(def)] : [];
  const linkInputs = inputs.filter((i) => i.kind === "link" || i.options.forceInput || linked?.has(i.name));
  const widgetInputs = inputs.filter((i) => i.kind === "widget" && !i.options.forceInput && !linked?.has(i.name));
  const outputs = def ? listOutputs(def) : [];
  // Unknown node types keep their data; show the sockets the file used so links still land somewhere.
  const unknownInputs = !def ? [...(linked ?? [])] : [];
  const unknownOutputs = !def ? outputsFromEdges(store.getState().doc.graph.edges, id) : [];
  const rows = Math.max(linkInputs.length + unknownInputs.length, outputs.length + unknownOutputs.length);

  if (lowDetail && !collapsed) {
    // Zoomed far out: the title and the sockets only, placed absolutely in one box instead of a DOM row per socket
    // (a fitted 2,000-node graph is all low-detail nodes, so every element here is 2,000 elements there).
    const targets = [...linkInputs.map((i) => ({ id: i.name, type: i.type })), ...unknownInputs.map((n) => ({ id: n, type: "*" }))];
    const sources = [...outputs.map((o) => ({ id: String(o.index), type: o.type })), ...unknownOutputs.map((n) => ({ id: String(n), type: "*" }))];
    return (
      <div className={className} data-node-type={node.type} data-testid={`node-${id}`}>
        {titleBar}
        <div className="node-low-body" style={{ height: Math.max(1, rows) * ROW }}>
          {targets.map((t, r) => (
            <Socket key={`t${t.id}`} type="target" id={t.id} kind={t.type} color={typeColor(t.type)} top={r * ROW + ROW / 2} />
          ))}
          {sources.map((o, r) => (
            <Socket key={`s${o.id}`} type="source" id={o.id} kind={o.type} color={typeColor(o.type)} top={r * ROW + ROW / 2} />
          ))}
        </div>
      </div>
    );
  }

  return (
    <div className={className} data-node-type={node.type} data-testid={`node-${id}`}>
      {titleBar}
      {collapsed ? (
        <div className="node-collapsed-sockets">
          {linkInputs.map((i) => (
            <Socket key={i.name} type="target" id={i.name} kind={i.type} color={typeColor(i.type)} />
          ))}
          {outputs.map((o) => (
            <Socket key={o.index} type="source" id={String(o.index)} kind={o.type} color={typeColor(o.type)} />
          ))}
        </div>
      ) : (
        <div className="node-body">
          {!def && <div className="node-unknown-note">Unknown node type “{node.type}”: kept as it is. Install it on your ComfyUI server to edit it.</div>}
          {Array.from({ length: rows }, (_, r) => {
            const input = linkInputs[r];
            const unknownInput = input ? undefined : unknownInputs[r - linkInputs.length];
            const output = outputs[r];
            const unknownOutput = output ? undefined : unknownOutputs[r - outputs.length];
            const inputIssue = input ? issueFor(issues, input.name, runMark?.inputs) : undefined;
            return (
              <div className="node-row" key={r}>
                <div className={`node-input${inputIssue ? " invalid" : ""}`} title={inputIssue}>
                  {input && (
                    <>
                      <Socket type="target" id={input.name} kind={input.type} color={typeColor(input.type)} />
                      {!lowDetail && <span>{input.name}</span>}
                    </>
                  )}
                  {unknownInput !== undefined && (
                    <>
                      <Socket type="target" id={unknownInput} kind="*" color={typeColor("*")} />
                      <span>{unknownInput}</span>
                    </>
                  )}
                </div>
                <div className="node-output">
                  {output && (
                    <>
                      {!lowDetail && <span>{output.name}</span>}
                      <Socket type="source" id={String(output.index)} kind={output.type} color={typeColor(output.type)} />
                    </>
                  )}
                  {unknownOutput !== undefined && (
                    <>
                      <span>{`out ${unknownOutput}`}</span>
                      <Socket type="source" id={String(unknownOutput)} kind="*" color={typeColor("*")} />
                    </>
                  )}
                </div>
              </div>
            );
          })}
          {!lowDetail && widgetInputs.map((input) => {
            const value = node.widgets[input.name] ?? null;
            const invalid = issueFor(issues, input.name, runMark?.inputs);
            return (
              <div className="node-widget-row" key={input.name}>
                {/* Any widget can take a link instead, as in ComfyUI. */}
                <Socket type="target" id={input.name} kind={input.type} color={typeColor(input.type)} />
                <WidgetFor input={input} value={value} onChange={change(input.name)} invalid={invalid} />
                {input.options.control_after_generate && (
                  <ControlWidget name={input.name} value={node.controls?.[input.name] ?? "fixed"} onChange={changeControl(input.name)} />
                )}
              </div>
            );
          })}
          {!lowDetail && runOutputs && runOutputs.length > 0 && (
            <div className="node-outputs nodrag">
              <RunOutputs outputs={runOutputs} />
            </div>
          )}
          {!lowDetail && !def && Object.keys(node.widgets).length > 0 && (
            <dl className="node-opaque-widgets">
              {Object.entries(node.widgets).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{typeof v === "string" ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
    </div>
  );
}, drawsTheSame);

function WidgetFor({ input, value, onChange, invalid }: { input: InputInfo; value: JsonValue; onChange: (v: JsonValue) => void; invalid?: string }) {
  switch (input.widgetType) {
    case "INT":
    case "FLOAT":
      return <NumberWidget input={input} value={value} onChange={onChange} invalid={invalid} />;
    case "COMBO":
      return input.options.image_upload ? (
        <ImageWidget input={input} value={value} onChange={onChange} invalid={invalid} />
      ) : (
        <ComboWidget input={input} value={value} onChange={onChange} invalid={invalid} />
      );
    case "BOOLEAN":
      return <ToggleWidget input={input} value={value} onChange={onChange} />;
    case "STRING":
    default:
      return <TextWidget input={input} value={value} onChange={onChange} invalid={invalid} />;
  }
}

function outputsFromEdges(edges: ReadonlyArray<{ source: string; sourceSlot: number }>, id: string): number[] {
  const slots = new Set<number>();
  for (const e of edges) if (e.source === id) slots.add(e.sourceSlot);
  return [...slots].sort((a, b) => a - b);
}
