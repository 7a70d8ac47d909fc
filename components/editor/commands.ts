"use client";

import type { ReactFlowInstance } from "@xyflow/react";
import { addGroup, addNode, createNode, moveNodes, nextNodeId, removeEdges, removeGroups, removeNodes, toggleCollapsed, toggleMode } from "@/lib/graph/edit";
import type { FitNodes } from "./fit";
import { loadLayout } from "./lazy";
import type { NodeId } from "@/lib/graph/model";
import type { EditorState, EditorStore } from "./store";

/** What a command may use when it runs. */
export type CommandContext = {
  store: EditorStore;
  flow: ReactFlowInstance;
  /** Fits the view to some nodes, or to everything (fit.ts: also in the overview, where React Flow draws no nodes). */
  fit: FitNodes;
  save: () => void;
  copy: () => void;
  cut: () => void;
  paste: () => void;
  duplicate: () => void;
  openImport: () => void;
  exportAs: (format: "ui" | "api" | "atelier" | "png") => void;
  /** Runs the canvas as it is on ComfyUI (the saved version when unchanged, else the draft). */
  run: () => void;
  /** Asks ComfyUI for its node definitions again (custom nodes installed, model files added). */
  refreshCatalogue: () => void;
  /** Where the pointer last was over the canvas, in flow coordinates. */
  pointer: () => { x: number; y: number; screenX: number; screenY: number };
};

/**
 * One registered object per command: the menu, the keyboard and the palette
 * all read this list, so a shortcut shown anywhere is the one that works.
 */
export type Command = {
  id: string;
  label: string;
  group: "File" | "Edit" | "Node" | "View" | "Run";
  /** Shortcuts as shown to people ("Ctrl+Z"); Ctrl also matches ⌘ on a Mac. */
  keys?: string[];
  enabled?: (state: EditorState) => boolean;
  /** Why it is disabled, when `enabled` says no. */
  disabledReason?: string;
  perform: (ctx: CommandContext) => void;
};

const selectedNodes = (s: EditorState): NodeId[] => [...s.selection.nodes] as NodeId[];
const hasSelection = (s: EditorState) => s.selection.nodes.size > 0;

function nudge(dx: number, dy: number): Command["perform"] {
  return ({ store }) => {
    const s = store.getState();
    const ids = selectedNodes(s);
    if (ids.length === 0) return;
    s.apply(
      "Nudge",
      (d) => moveNodes(d, ids.map((id) => ({ id, x: (d.layout.nodes[id]?.x ?? 0) + dx, y: (d.layout.nodes[id]?.y ?? 0) + dy }))),
      { coalesce: `nudge:${ids.join(",")}` },
    );
  };
}

export const COMMANDS: readonly Command[] = [
  { id: "file.save", label: "Save", group: "File", keys: ["Ctrl+S"], perform: ({ save }) => save() },
  { id: "file.import", label: "Import file…", group: "File", keys: ["Ctrl+O"], perform: ({ openImport }) => openImport() },
  { id: "file.exportUi", label: "Export ComfyUI workflow (.json)", group: "File", perform: ({ exportAs }) => exportAs("ui") },
  { id: "file.exportApi", label: "Export API prompt (.json)", group: "File", perform: ({ exportAs }) => exportAs("api") },
  { id: "file.exportAtelier", label: "Export Atelier document (.json)", group: "File", perform: ({ exportAs }) => exportAs("atelier") },
  { id: "file.exportPng", label: "Export PNG with embedded workflow", group: "File", perform: ({ exportAs }) => exportAs("png") },
  { id: "run.queue", label: "Run", group: "Run", keys: ["Ctrl+Enter"], perform: ({ run }) => run() },
  { id: "run.refreshCatalogue", label: "Refresh node definitions from ComfyUI", group: "Run", perform: ({ refreshCatalogue }) => refreshCatalogue() },
  { id: "run.panel", label: "Run panel", group: "Run", perform: ({ store }) => {
      const s = store.getState();
      s.setPanel(s.panel === "run" ? null : "run");
    } },
  { id: "edit.undo", label: "Undo", group: "Edit", keys: ["Ctrl+Z"], enabled: (s) => s.past.length > 0, perform: ({ store }) => store.getState().undo() },
  { id: "edit.redo", label: "Redo", group: "Edit", keys: ["Ctrl+Shift+Z", "Ctrl+Y"], enabled: (s) => s.future.length > 0, perform: ({ store }) => store.getState().redo() },
  { id: "edit.copy", label: "Copy", group: "Edit", keys: ["Ctrl+C"], enabled: hasSelection, perform: ({ copy }) => copy() },
  { id: "edit.cut", label: "Cut", group: "Edit", keys: ["Ctrl+X"], enabled: hasSelection, perform: ({ cut }) => cut() },
  { id: "edit.paste", label: "Paste", group: "Edit", keys: ["Ctrl+V"], perform: ({ paste }) => paste() },
  { id: "edit.duplicate", label: "Duplicate", group: "Edit", keys: ["Ctrl+D"], enabled: hasSelection, perform: ({ duplicate }) => duplicate() },
  {
    id: "edit.delete",
    label: "Delete",
    group: "Edit",
    keys: ["Delete", "Backspace"],
    enabled: (s) => s.selection.nodes.size + s.selection.groups.size + s.selection.edges.size > 0,
    perform: ({ store }) => {
      const s = store.getState();
      const nodes = selectedNodes(s);
      const groups = [...s.selection.groups];
      const edges = [...s.selection.edges];
      s.apply("Delete", (d) => removeEdges(removeGroups(removeNodes(d, nodes), groups), edges));
      s.setSelection({ nodes: new Set(), groups: new Set(), edges: new Set() });
    },
  },
  {
    id: "edit.selectAll",
    label: "Select all",
    group: "Edit",
    keys: ["Ctrl+A"],
    perform: ({ store }) => {
      const s = store.getState();
      s.setSelection({ nodes: new Set(s.doc.graph.nodes.map((n) => n.id)), groups: new Set(), edges: new Set() });
    },
  },
  { id: "node.add", label: "Add node…", group: "Node", keys: ["Ctrl+K"], perform: ({ store, pointer }) => {
      const p = pointer();
      store.getState().openSearch({ at: { x: p.x, y: p.y }, screen: { x: p.screenX, y: p.screenY } });
    } },
  {
    id: "node.mute",
    label: "Mute / unmute",
    group: "Node",
    keys: ["Ctrl+M"],
    enabled: hasSelection,
    perform: ({ store }) => store.getState().apply("Mute", (d) => toggleMode(d, selectedNodes(store.getState()), "muted")),
  },
  {
    id: "node.bypass",
    label: "Bypass / un-bypass",
    group: "Node",
    keys: ["Ctrl+B"],
    enabled: hasSelection,
    perform: ({ store }) => store.getState().apply("Bypass", (d) => toggleMode(d, selectedNodes(store.getState()), "bypassed")),
  },
  {
    id: "node.collapse",
    label: "Collapse / expand",
    group: "Node",
    keys: ["Alt+C"],
    enabled: hasSelection,
    perform: ({ store }) => store.getState().apply("Collapse", (d) => toggleCollapsed(d, selectedNodes(store.getState()))),
  },
  {
    id: "node.group",
    label: "Group selected nodes",
    group: "Node",
    keys: ["Ctrl+G"],
    enabled: hasSelection,
    perform: ({ store, flow }) => {
      const s = store.getState();
      const ids = selectedNodes(s);
      // Frame what is drawn: measured sizes, not guesses.
      const sized = s.doc.layout.nodes;
      const measured = Object.fromEntries(
        ids.map((id) => {
          const n = flow.getNode(id);
          const l = sized[id];
          return [id, { ...l, x: l?.x ?? 0, y: l?.y ?? 0, width: n?.measured?.width ?? l?.width, height: n?.measured?.height ?? l?.height }];
        }),
      );
      s.apply("Group", (d) => {
        const framed = addGroup({ ...d, layout: { ...d.layout, nodes: { ...d.layout.nodes, ...measured } } }, ids, { title: "Group" });
        return { ...d, layout: { ...d.layout, groups: framed.layout.groups } };
      });
    },
  },
  {
    id: "node.note",
    label: "Add note",
    group: "Node",
    perform: ({ store, pointer }) => {
      const p = pointer();
      const s = store.getState();
      const id = nextNodeId(s.doc.graph);
      s.apply("Add note", (d) => addNode(d, createNode(s.catalogue, "Note", id), { x: p.x, y: p.y, width: 260, height: 120 }));
    },
  },
  { id: "edit.nudgeLeft", label: "Nudge left", group: "Edit", keys: ["ArrowLeft"], enabled: hasSelection, perform: nudge(-10, 0) },
  { id: "edit.nudgeRight", label: "Nudge right", group: "Edit", keys: ["ArrowRight"], enabled: hasSelection, perform: nudge(10, 0) },
  { id: "edit.nudgeUp", label: "Nudge up", group: "Edit", keys: ["ArrowUp"], enabled: hasSelection, perform: nudge(0, -10) },
  { id: "edit.nudgeDown", label: "Nudge down", group: "Edit", keys: ["ArrowDown"], enabled: hasSelection, perform: nudge(0, 10) },
  { id: "view.fit", label: "Fit view", group: "View", keys: ["."], perform: ({ fit }) => fit() },
  {
    id: "view.autoLayout",
    label: "Auto-layout",
    group: "View",
    keys: ["Ctrl+Shift+L"],
    perform: ({ store, flow, fit }) => {
      const s = store.getState();
      const only = selectedNodes(s);
      const sizes = Object.fromEntries(
        s.doc.graph.nodes.map((n) => {
          const m = flow.getNode(n.id)?.measured;
          const l = s.doc.layout.nodes[n.id] ?? { x: 0, y: 0 };
          return [n.id, { ...l, width: m?.width ?? l.width, height: m?.height ?? l.height }];
        }),
      );
      void loadLayout()
        .then(({ autoLayout }) => {
          store.getState().apply("Auto-layout", (d) => {
            const laid = autoLayout({ ...d, layout: { ...d.layout, nodes: { ...d.layout.nodes, ...sizes } } }, { only: only.length > 1 ? only : undefined });
            return moveNodes(d, Object.entries(laid.layout.nodes).map(([id, l]) => ({ id, x: l.x, y: l.y })));
          });
          window.setTimeout(() => fit(), 50);
        })
        .catch((e: unknown) => store.getState().notify(`Auto-layout could not load: ${e instanceof Error ? e.message : String(e)}`, "error"));
    },
  },
  { id: "view.problems", label: "Problems panel", group: "View", keys: ["Ctrl+Shift+M"], perform: ({ store }) => {
      const s = store.getState();
      s.setPanel(s.panel === "problems" ? null : "problems");
    } },
  { id: "view.json", label: "JSON panel", group: "View", keys: ["Ctrl+Shift+J"], perform: ({ store }) => {
      const s = store.getState();
      s.setPanel(s.panel === "json" ? null : "json");
    } },
  {
    id: "view.compareSaved",
    label: "Compare with the saved version",
    group: "View",
    keys: ["Ctrl+Shift+D"],
    perform: ({ store }) => {
      const s = store.getState();
      s.setCompare(s.compare ? null : { label: `saved version ${s.baseVersionId ?? ""}`.trim(), before: s.savedDoc });
    },
  },
  { id: "view.history", label: "History panel", group: "View", keys: ["Ctrl+Shift+H"], perform: ({ store }) => {
      const s = store.getState();
      s.setPanel(s.panel === "history" ? null : "history");
    } },
  { id: "view.shortcuts", label: "Keyboard shortcuts", group: "View", keys: ["?"], perform: ({ store }) => store.getState().setShortcutsOpen(true) },
];

type ParsedKey = { ctrl: boolean; shift: boolean; alt: boolean; key: string };

function parseKey(spec: string): ParsedKey {
  const parts = spec.split("+");
  const key = parts[parts.length - 1]!;
  return { ctrl: parts.includes("Ctrl"), shift: parts.includes("Shift"), alt: parts.includes("Alt"), key: key.length === 1 ? key.toLowerCase() : key };
}

const parsed = new Map<string, ParsedKey>();

/** True when a keyboard event is this shortcut ("Ctrl" is Ctrl or ⌘; "?" ignores Shift, which typing it needs). */
export function matchesKey(spec: string, e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): boolean {
  let p = parsed.get(spec);
  if (!p) {
    p = parseKey(spec);
    parsed.set(spec, p);
  }
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (key !== p.key) return false;
  if ((e.ctrlKey || e.metaKey) !== p.ctrl || e.altKey !== p.alt) return false;
  return p.key === "?" || e.shiftKey === p.shift;
}

/** The command a keyboard event triggers, if any. */
export function findCommandForKey(e: KeyboardEvent): Command | undefined {
  return COMMANDS.find((c) => c.keys?.some((k) => matchesKey(k, e)));
}
