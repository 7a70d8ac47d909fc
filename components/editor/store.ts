"use client";

import { createContext, useContext } from "react";
import { createStore, useStore, type StoreApi } from "zustand";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import { getIssueNodeId, type GraphIssue } from "@/lib/graph/issues";
import type { Graph, GraphNode, WorkflowDocument } from "@/lib/graph/model";
import { validateGraph } from "@/lib/graph/validate";

/** One undo step: the document before an edit, and what the edit was. */
export type HistoryEntry = { doc: WorkflowDocument; label: string; key?: string; at: number };

/** What the node search was opened for: a free add, or a link dropped on empty canvas. */
export type SearchRequest = {
  /** Where the new node goes, in flow coordinates. */
  at: { x: number; y: number };
  /** Where the dialog shows, in screen coordinates. */
  screen: { x: number; y: number };
  from?: { kind: "output"; nodeId: string; slot: number; type: string } | { kind: "input"; nodeId: string; input: string; type: string };
};

export type Selection = { nodes: ReadonlySet<string>; groups: ReadonlySet<string>; edges: ReadonlySet<string> };

export type EditorState = {
  workflowId: string;
  name: string;
  doc: WorkflowDocument;
  /** The document as last saved (or loaded): the draft is dirty when `doc` differs from it. */
  savedDoc: WorkflowDocument;
  baseVersionId: number | null;
  catalogue: NodeCatalogue;
  catalogueSource: "bundled" | "server";
  past: HistoryEntry[];
  future: HistoryEntry[];
  selection: Selection;
  /** Derived from doc.graph, recomputed only when the graph changes (not on moves). */
  nodeIndex: ReadonlyMap<string, GraphNode>;
  /** Input names of each node that an edge feeds (a linked widget shows as a socket, not a control). */
  linkedInputs: ReadonlyMap<string, ReadonlySet<string>>;
  issues: GraphIssue[];
  issuesByNode: ReadonlyMap<string, GraphIssue[]>;
  search: SearchRequest | null;
  panel: "problems" | "json" | "history" | "run" | null;
  /** While comparing, the document the canvas is compared with (added green, changed marked, removed ghosted). */
  compare: { label: string; before: WorkflowDocument } | null;
  shortcutsOpen: boolean;
  notice: { text: string; tone: "info" | "error" } | null;
};

export type EditorActions = {
  /** Applies an edit as one undo step; edits with the same `coalesce` key in a row merge into one step. */
  apply: (label: string, edit: (doc: WorkflowDocument) => WorkflowDocument, options?: { coalesce?: string }) => void;
  undo: () => void;
  redo: () => void;
  replaceDocument: (doc: WorkflowDocument, label: string) => void;
  markSaved: (doc: WorkflowDocument, versionId: number) => void;
  setSelection: (selection: Partial<Selection>) => void;
  openSearch: (request: SearchRequest | null) => void;
  setPanel: (panel: EditorState["panel"]) => void;
  setShortcutsOpen: (open: boolean) => void;
  setCompare: (compare: EditorState["compare"]) => void;
  notify: (text: string | null, tone?: "info" | "error") => void;
  setCatalogue: (catalogue: NodeCatalogue, source: "bundled" | "server") => void;
  restoreDraft: (draft: { doc: WorkflowDocument; past: HistoryEntry[]; future: HistoryEntry[] }) => void;
};

export type EditorStore = StoreApi<EditorState & EditorActions>;

const HISTORY_LIMIT = 200;
/** Typing in one field within this long counts as one edit. */
const COALESCE_MS = 1500;

function derive(graph: Graph, catalogue: NodeCatalogue, source: "bundled" | "server", subgraphs: WorkflowDocument["subgraphs"]) {
  const nodeIndex = new Map<string, GraphNode>();
  for (const n of graph.nodes) nodeIndex.set(n.id, n);
  const linkedInputs = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    const set = linkedInputs.get(e.target);
    if (set) set.add(e.targetInput);
    else linkedInputs.set(e.target, new Set([e.targetInput]));
  }
  // The bundled catalogue cannot know a server's model files: empty model lists are not errors there.
  const issues = validateGraph(graph, catalogue, { emptyCombos: source === "bundled" ? "ignore" : "error", subgraphs });
  const issuesByNode = new Map<string, GraphIssue[]>();
  for (const issue of issues) {
    const nodeIds = issue.kind === "cycle" ? issue.nodeIds : [getIssueNodeId(issue)];
    for (const id of nodeIds) {
      if (id === undefined) continue;
      const list = issuesByNode.get(id);
      if (list) list.push(issue);
      else issuesByNode.set(id, [issue]);
    }
  }
  return { nodeIndex, linkedInputs, issues, issuesByNode };
}

const emptySelection: Selection = { nodes: new Set(), groups: new Set(), edges: new Set() };

export function createEditorStore(init: {
  workflowId: string;
  name: string;
  doc: WorkflowDocument;
  baseVersionId: number | null;
  catalogue: NodeCatalogue;
  catalogueSource?: "bundled" | "server";
  now?: () => number;
}): EditorStore {
  const now = init.now ?? Date.now;
  const source = init.catalogueSource ?? "bundled";
  return createStore<EditorState & EditorActions>()((set, get) => {
    /** Sets a new document, recomputing what derives from the graph only when the graph changed. */
    const withDoc = (doc: WorkflowDocument, state: EditorState): Partial<EditorState> =>
      doc.graph === state.doc.graph && doc.subgraphs === state.doc.subgraphs ? { doc } : { doc, ...derive(doc.graph, state.catalogue, state.catalogueSource, doc.subgraphs) };

    return {
      workflowId: init.workflowId,
      name: init.name,
      doc: init.doc,
      savedDoc: init.doc,
      baseVersionId: init.baseVersionId,
      catalogue: init.catalogue,
      catalogueSource: source,
      past: [],
      future: [],
      selection: emptySelection,
      ...derive(init.doc.graph, init.catalogue, source, init.doc.subgraphs),
      search: null,
      panel: null,
      compare: null,
      shortcutsOpen: false,
      notice: null,

      apply(label, edit, options = {}) {
        const state = get();
        const next = edit(state.doc);
        if (next === state.doc) return;
        const t = now();
        const last = state.past[state.past.length - 1];
        const merge = options.coalesce !== undefined && last?.key === options.coalesce && (options.coalesce.startsWith("gesture:") || t - last.at < COALESCE_MS);
        const past = merge ? [...state.past.slice(0, -1), { ...last!, at: t }] : [...state.past, { doc: state.doc, label, key: options.coalesce, at: t }].slice(-HISTORY_LIMIT);
        set({ ...withDoc(next, state), past, future: [] });
      },

      undo() {
        const state = get();
        const entry = state.past[state.past.length - 1];
        if (!entry) return;
        set({
          ...withDoc(entry.doc, state),
          past: state.past.slice(0, -1),
          future: [{ doc: state.doc, label: entry.label, at: now() }, ...state.future].slice(0, HISTORY_LIMIT),
          notice: { text: `Undid: ${entry.label}`, tone: "info" },
        });
      },

      redo() {
        const state = get();
        const entry = state.future[0];
        if (!entry) return;
        set({
          ...withDoc(entry.doc, state),
          future: state.future.slice(1),
          past: [...state.past, { doc: state.doc, label: entry.label, at: now() }].slice(-HISTORY_LIMIT),
          notice: { text: `Redid: ${entry.label}`, tone: "info" },
        });
      },

      replaceDocument(doc, label) {
        get().apply(label, () => doc);
        set({ selection: emptySelection });
      },

      markSaved(doc, versionId) {
        set({ savedDoc: doc, baseVersionId: versionId });
      },

      setSelection(selection) {
        set({ selection: { ...get().selection, ...selection } });
      },

      openSearch(request) {
        set({ search: request });
      },

      setPanel(panel) {
        set({ panel });
      },

      setCompare(compare) {
        set({ compare });
      },

      setShortcutsOpen(open) {
        set({ shortcutsOpen: open });
      },

      notify(text, tone = "info") {
        set({ notice: text === null ? null : { text, tone } });
      },

      setCatalogue(catalogue, catalogueSource) {
        const state = get();
        set({ catalogue, catalogueSource, ...derive(state.doc.graph, catalogue, catalogueSource, state.doc.subgraphs) });
      },

      restoreDraft(draft) {
        const state = get();
        set({ ...withDoc(draft.doc, state), past: draft.past.slice(-HISTORY_LIMIT), future: draft.future.slice(0, HISTORY_LIMIT) });
      },
    };
  });
}

export const EditorStoreContext = createContext<EditorStore | null>(null);

/** Reads a slice of the editor state; pass a narrow selector so a component re-renders only when its slice changes. */
export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditor must be used inside <EditorStoreContext.Provider>");
  return useStore(store, selector);
}

/** The store itself, for event handlers that read state at call time without subscribing. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditorStore must be used inside <EditorStoreContext.Provider>");
  return store;
}

/** True when the draft differs from what was last saved. */
export const selectDirty = (s: EditorState) => s.doc !== s.savedDoc;
