"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStoreApi,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnConnectEnd,
  type OnConnectStartParams,
} from "@xyflow/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Suspense, lazy, memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent as ReactDragEvent, type RefObject } from "react";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { diffDocuments } from "@/lib/graph/diff";
import { hashDocument } from "@/lib/graph/hash";
import { getDiffHighlights } from "@/lib/versions/highlights";
import { DraftBanner } from "@/components/versions/draft-banner";
import { useDraftAutosave } from "@/components/versions/use-draft-autosave";
import { DiffHighlightsContext, GhostNode, type GhostFlowNode } from "./diff-overlay";
import { EditorRun, EditorRunPanel, RunButton, useStartRun } from "./editor-run";
import { RunServerContext, ServerPicker, useRunServerChoice } from "./server-picker";
import {
  addNode,
  checkConnection,
  connect,
  createNode,
  extractFragment,
  getInputType,
  getOutputType,
  moveNodes,
  nextNodeId,
  nodesInGroup,
  pasteFragment,
  removeNodes,
  updateGroup,
} from "@/lib/graph/edit";
import type { GraphEdge, NodeId, NodeLayout, WorkflowDocument } from "@/lib/graph/model";
import { getNodeDefinition, listOutputs } from "@/lib/graph/node-def";
import { fitViewportToLayout, type ViewportBox } from "./initial-viewport";
import { readSavedViewport, viewShowsGraph, writeSavedViewport } from "./saved-viewport";
import { NodeViewCache } from "./node-view";
import { OverviewCanvas } from "./overview-canvas";
import { rowsOfNodes, useFitNodes } from "./fit";
import { OVERVIEW_ZOOM } from "./overview-scene";
import type { NodeHighlight } from "@/lib/versions/highlights";
import { CanvasMinimap } from "./canvas-minimap";
import { loadFiles, loadFormats, preloadEditorModules } from "./lazy";
import type { JsonPanelProps } from "./json/json-panel";
// Copy needs ComfyUI's UI export at once (the clipboard event is synchronous); it is small. Everything else about
// files and formats (PNG, WebP, API import, JSON Schema, layout) loads when first used: see ./lazy.ts.
import { exportUiWorkflow } from "@/lib/formats/ui-export";
import { useTRPC } from "@/components/trpc";
import { ErrorText, errorMessage } from "@/components/ui/error-text";
import { COMMANDS, findCommandForKey, type Command, type CommandContext } from "./commands";
import { ConnectionHint } from "./connection-hint";
import { clearDraft, loadDraft, storeDraft } from "./draft";
import { FlowNode, LowDetailBoundary, type WorkflowFlowNode } from "./flow-node";
import { GroupFrame, type GroupFlowNode } from "./group-frame";
import { NodeSearch, type SearchResult } from "./node-search";
import { ProblemsPanel } from "./problems-panel";
import { ShortcutsSheet } from "./shortcuts-sheet";
import { SidePanel } from "./side-panel";
import { EditorStoreContext, createEditorStore, selectDirty, useEditor, useEditorStore, type EditorStore } from "./store";
import { typeColor } from "./type-colors";
import { ImportNotice } from "./files/import-notice";

// At module scope so React Flow never sees a new nodeTypes object (it would remount every node).
const ConflictDialog = lazy(() => import("@/components/versions/conflict-dialog").then((m) => ({ default: m.ConflictDialog })));
const HistoryPanel = lazy(() => import("@/components/versions/history-panel").then((m) => ({ default: m.HistoryPanel })));
const JsonPanel = lazy(() => import("./json/json-panel").then((m) => ({ default: m.JsonPanel })));

const nodeTypes = { workflow: FlowNode, "group-frame": GroupFrame, ghost: GhostNode };
const GROUP_PREFIX = "group:";
const PRO_OPTIONS = { hideAttribution: true };
const minimapNodeColor = (n: { type?: string }) => (n.type === "group-frame" ? null : n.type === "ghost" ? "#a04848" : "#777");
const NO_HIGHLIGHTS: Readonly<Record<string, never>> = Object.freeze({});
const NO_EDGES: Edge[] = [];
const CLIPBOARD_KEY = "atelier:clipboard";

type AnyFlowNode = WorkflowFlowNode | GroupFlowNode | GhostFlowNode;
/** The viewport the canvas opens at, and whether it is a fit (else the view the person left). */
type StartViewport = ViewportBox & { fitted: boolean };
type Measured = { width: number; height: number };
const MIN_ZOOM = 0.05;
/** How long Run waits for ComfyUI's node list when it has not arrived yet. */
const CATALOGUE_WAIT_MS = 3000;
/** Fitting never zooms a small graph in past 100 %, as ComfyUI users expect to see it. */
const FIT_MAX_ZOOM = 1;
const FIT_VIEW_OPTIONS = { padding: 0.1, maxZoom: FIT_MAX_ZOOM };

function isEditableTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable || !!el.closest?.(".monaco-editor"));
}

// Module-level caches keyed by document objects: immer keeps an unchanged
// node's layout (and an unchanged edge) the same object, so React Flow gets
// the same node object back and skips it. This is what keeps a drag at 2,000
// nodes to one node's work.
const flowNodeCache = new WeakMap<NodeLayout, { sel: boolean; m: Measured | undefined; hidden: boolean; out: WorkflowFlowNode }>();
const flowEdgeCache = new WeakMap<GraphEdge, { sel: boolean; type: string | undefined; out: Edge }>();

/**
 * Builds React Flow nodes from the document, reusing the object of every node whose layout, selection and size did not
 * change. In the overview (zoomed far out) workflow nodes are hidden from React Flow, which then keeps them out of the
 * DOM: the overview canvas draws them.
 */
function useFlowNodes(measured: ReadonlyMap<string, Measured>, hidden: boolean): AnyFlowNode[] {
  const nodes = useEditor((s) => s.doc.graph.nodes);
  const layout = useEditor((s) => s.doc.layout.nodes);
  const groups = useEditor((s) => s.doc.layout.groups);
  const selection = useEditor((s) => s.selection);
  const catalogue = useEditor((s) => s.catalogue);
  const issuesByNode = useEditor((s) => s.issuesByNode);
  const linkedInputs = useEditor((s) => s.linkedInputs);
  const nodeIndex = useEditor((s) => s.nodeIndex);
  const [views] = useState(() => new NodeViewCache());
  return useMemo(() => {
    views.prune(nodeIndex);
    const out: AnyFlowNode[] = groups.map(
      (g): GroupFlowNode => ({
        id: `${GROUP_PREFIX}${g.id}`,
        type: "group-frame",
        position: { x: g.x, y: g.y },
        data: { groupId: g.id },
        selected: selection.groups.has(g.id),
        zIndex: -1,
        dragHandle: ".group-title",
        width: g.width,
        height: g.height,
        measured: { width: g.width, height: g.height },
      }),
    );
    nodes.forEach((n, i) => {
      const l = layout[n.id];
      const sel = selection.nodes.has(n.id);
      const m = measured.get(n.id);
      const data = views.get(n, catalogue, issuesByNode, linkedInputs, l?.collapsed === true);
      const hit = l ? flowNodeCache.get(l) : undefined;
      if (hit && hit.sel === sel && hit.m === m && hit.hidden === hidden && hit.out.id === n.id && hit.out.data === data) {
        out.push(hit.out);
        return;
      }
      const node: WorkflowFlowNode = {
        id: n.id,
        type: "workflow",
        position: { x: l?.x ?? (i % 20) * 260, y: l?.y ?? Math.floor(i / 20) * 200 },
        data,
        selected: sel,
        ...(m ? { measured: m } : {}),
        ...(hidden ? { hidden: true } : {}),
      };
      if (l) flowNodeCache.set(l, { sel, m, hidden, out: node });
      out.push(node);
    });
    return out;
  }, [nodes, layout, groups, selection, measured, catalogue, issuesByNode, linkedInputs, nodeIndex, views, hidden]);
}

function useFlowEdges(): Edge[] {
  const edges = useEditor((s) => s.doc.graph.edges);
  const nodeIndex = useEditor((s) => s.nodeIndex);
  const catalogue = useEditor((s) => s.catalogue);
  const selected = useEditor((s) => s.selection.edges);
  return useMemo(
    () =>
      edges.map((e) => {
        const sel = selected.has(e.id);
        const source = nodeIndex.get(e.source);
        const def = source ? getNodeDefinition(catalogue, source.type) : undefined;
        const type = def ? listOutputs(def)[e.sourceSlot]?.type : e.type;
        const hit = flowEdgeCache.get(e);
        if (hit && hit.sel === sel && hit.type === type) return hit.out;
        const edge: Edge = {
          id: e.id,
          source: e.source,
          sourceHandle: String(e.sourceSlot),
          target: e.target,
          targetHandle: e.targetInput,
          selected: sel,
          style: { stroke: typeColor(type), strokeWidth: sel ? 3 : 2 },
        };
        flowEdgeCache.set(e, { sel, type, out: edge });
        return edge;
      }),
    [edges, nodeIndex, catalogue, selected],
  );
}

type FlowHandlers = {
  onEdgesChange: (changes: EdgeChange[]) => void;
  onConnect: (c: Connection) => void;
  onConnectStart: (e: unknown, params: OnConnectStartParams) => void;
  onConnectEnd: OnConnectEnd;
  isValidConnection: (c: Connection | Edge) => boolean;
  onNodeDragStart: (e: unknown, node: AnyFlowNode) => void;
  onNodeDragStop: () => void;
  onPaneClick: () => void;
};

type Gesture = { id: string; groupMembers?: Map<string, { x: number; y: number }>; groupStart?: { x: number; y: number } };

/**
 * The React Flow canvas, apart from the editor shell: a drag changes the
 * layout on every frame, and only this component (and the moved node) should
 * re-render for it, not the toolbar, menus and panels around it.
 */
const CanvasFlow = memo(function CanvasFlow({
  startViewport,
  highlights,
  gesture,
  handlers,
}: {
  startViewport: StartViewport;
  highlights: Readonly<Record<string, NodeHighlight>>;
  gesture: RefObject<Gesture | null>;
  /** The shell's handlers, one stable object (React Flow copies every prop into its store on each render). */
  handlers: FlowHandlers;
}) {
  const store = useEditorStore();
  const compare = useEditor((s) => s.compare);
  const graph = useEditor((s) => s.doc.graph);
  const [measured, setMeasured] = useState<ReadonlyMap<string, Measured>>(() => new Map());
  // Zoomed far out, the nodes are drawn on a canvas (overview-canvas.tsx), not as thousands of DOM elements.
  const [startsInOverview] = useState(() => startViewport.zoom < OVERVIEW_ZOOM);
  const [defaultViewport] = useState(() => ({ x: startViewport.x, y: startViewport.y, zoom: startViewport.zoom }));
  const workflowId = useEditor((s) => s.workflowId);
  const rememberViewport = useCallback((_: unknown, v: ViewportBox) => writeSavedViewport(window.localStorage, workflowId, v), [workflowId]);
  const [overview, setOverview] = useState(startsInOverview);
  const rf = useStoreApi();
  useEffect(() => rf.subscribe((s) => setOverview(s.transform[2] < OVERVIEW_ZOOM)), [rf]);
  const liveFlowNodes = useFlowNodes(measured, overview);
  const fit = useFitNodes();
  const fitAll = useCallback(() => fit(), [fit]);
  const flowNodes = useMemo((): AnyFlowNode[] => {
    if (!compare) return liveFlowNodes;
    const ghosts = compare.before.graph.nodes
      .filter((n) => highlights[n.id]?.status === "removed" && !graph.nodes.some((m) => m.id === n.id))
      .map(
        (n): GhostFlowNode => ({
          id: `ghost:${n.id}`,
          type: "ghost",
          position: { x: compare.before.layout.nodes[n.id]?.x ?? 0, y: compare.before.layout.nodes[n.id]?.y ?? 0 },
          data: { title: n.title ?? n.type, type: n.type },
          draggable: false,
          selectable: false,
          connectable: false,
        }),
      );
    return [...liveFlowNodes, ...ghosts];
  }, [compare, liveFlowNodes, highlights, graph.nodes]);
  const domEdges = useFlowEdges();
  const flowEdges = overview ? NO_EDGES : domEdges;

  const onNodesChange = useCallback(
    (changes: NodeChange<AnyFlowNode>[]) => {
      const s = store.getState();
      const moves: Array<{ id: string; x: number; y: number }> = [];
      let groupMove: { id: string; x: number; y: number } | null = null;
      let selectionChanged = false;
      const selNodes = new Set(s.selection.nodes);
      const selGroups = new Set(s.selection.groups);
      const sizes: Array<[string, Measured]> = [];
      for (const c of changes) {
        if (c.type === "position" && c.position) {
          if (c.id.startsWith(GROUP_PREFIX)) groupMove = { id: c.id.slice(GROUP_PREFIX.length), ...c.position };
          else moves.push({ id: c.id, ...c.position });
        } else if (c.type === "select") {
          selectionChanged = true;
          const set = c.id.startsWith(GROUP_PREFIX) ? selGroups : selNodes;
          const id = c.id.startsWith(GROUP_PREFIX) ? c.id.slice(GROUP_PREFIX.length) : c.id;
          if (c.selected) set.add(id);
          else set.delete(id);
        } else if (c.type === "dimensions" && c.dimensions && !c.id.startsWith(GROUP_PREFIX)) {
          sizes.push([c.id, { width: c.dimensions.width, height: c.dimensions.height }]);
        }
      }
      if (sizes.length > 0) {
        setMeasured((prev) => {
          const changed = sizes.filter(([id, m]) => prev.get(id)?.width !== m.width || prev.get(id)?.height !== m.height);
          if (changed.length === 0) return prev;
          const next = new Map(prev);
          for (const [id, m] of changed) next.set(id, m);
          return next;
        });
      }
      const key = gesture.current ? `gesture:${gesture.current.id}` : undefined;
      if (moves.length > 0) s.apply("Move", (d) => moveNodes(d, moves), { coalesce: key });
      if (groupMove && gesture.current?.groupMembers && gesture.current.groupStart) {
        const g = gesture.current;
        const dx = groupMove.x - g.groupStart!.x;
        const dy = groupMove.y - g.groupStart!.y;
        const id = groupMove.id;
        s.apply(
          "Move group",
          (d) => moveNodes(updateGroup(d, id, { x: groupMove!.x, y: groupMove!.y }), [...g.groupMembers!].map(([nid, p]) => ({ id: nid, x: p.x + dx, y: p.y + dy }))),
          { coalesce: key },
        );
      }
      if (selectionChanged) s.setSelection({ nodes: selNodes, groups: selGroups });
    },
    [store, gesture],
  );

  return (
    <ReactFlow<AnyFlowNode, Edge>
      defaultViewport={defaultViewport}
      onMoveEnd={rememberViewport}
      nodes={flowNodes}
      edges={flowEdges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      {...handlers}
      deleteKeyCode={null}
      selectionKeyCode="Shift"
      multiSelectionKeyCode="Shift"
      zoomOnDoubleClick={false}
      onlyRenderVisibleElements
      minZoom={MIN_ZOOM}
      maxZoom={4}
      // A fitted start viewport is a guess (initial-viewport.ts); React Flow's fit corrects it with measured sizes,
      // except in the overview, where React Flow measures nothing (its fit would frame the groups only). A view the
      // person left is kept as it was.
      fitView={startViewport.fitted && !startsInOverview}
      fitViewOptions={FIT_VIEW_OPTIONS}
      colorMode="dark"
      proOptions={PRO_OPTIONS}
    >
      <Background />
      {/* React Flow's own fit button fits only the nodes it draws: none in the overview. */}
      <Controls showFitView={false}>
        <ControlButton className="react-flow__controls-fitview" onClick={fitAll} title="Fit view" aria-label="Fit view">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="2" />
          </svg>
        </ControlButton>
      </Controls>
      <CanvasMinimap nodeColor={minimapNodeColor} />
      <ConnectionHint />
      {overview && <OverviewCanvas measured={measured} highlights={highlights} />}
    </ReactFlow>
  );
});

function EditorShell({ offerServerDraft }: { offerServerDraft: boolean }) {
  const store = useEditorStore();
  const flow = useReactFlow<AnyFlowNode, Edge>();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const name = useEditor((s) => s.name);
  const workflowId = useEditor((s) => s.workflowId);
  const dirty = useEditor(selectDirty);
  const issues = useEditor((s) => s.issues);
  const search = useEditor((s) => s.search);
  const panel = useEditor((s) => s.panel);
  const shortcutsOpen = useEditor((s) => s.shortcutsOpen);
  const notice = useEditor((s) => s.notice);
  const catalogue = useEditor((s) => s.catalogue);
  const baseVersionId = useEditor((s) => s.baseVersionId);
  // Narrow subscriptions: the shell must not re-render on every drag frame (a move changes only the layout).
  const graph = useEditor((s) => s.doc.graph);
  const subgraphs = useEditor((s) => s.doc.subgraphs);
  /** The document only while comparing; null (stable) otherwise. */
  const comparedDoc = useEditor((s) => (s.compare ? s.doc : null));
  const [openMenu, setOpenMenu] = useState<Command["group"] | null>(null);
  const [conflict, setConflict] = useState(false);
  const [serverDraftOffered, setServerDraftOffered] = useState(offerServerDraft);
  const compare = useEditor((s) => s.compare);
  const router = useRouter();
  // Runs are followed above the shell (editor-run.tsx), so their progress does not re-render it.
  const startRunOf = useStartRun();
  const catalogueSource = useEditor((s) => s.catalogueSource);
  // Where Run goes when several ComfyUI servers are configured; its catalogue is the one the graph is checked against.
  const runServer = useRunServerChoice();
  const runServerUrl = runServer.requestUrl;
  // Node definitions from the ComfyUI the graph will run on (its node types, its model lists); the bundled core set until it answers.
  const catalogueQuery = useMemo(
    () => trpc.catalogue.get.queryOptions(runServerUrl === undefined ? undefined : { serverUrl: runServerUrl }, { staleTime: 60_000 }),
    [trpc, runServerUrl],
  );
  const serverCatalogue = useQuery(catalogueQuery);
  /** The server whose catalogue the store holds (null: the bundled one). */
  const catalogueFrom = useRef<string | null>(null);
  useEffect(() => {
    const answer = serverCatalogue.data;
    if (answer?.source === "server") {
      catalogueFrom.current = answer.serverUrl;
      store.getState().setCatalogue(answer.catalogue as typeof BUNDLED_CATALOGUE, "server");
    } else if (answer?.source === "bundled" && catalogueFrom.current !== null && catalogueFrom.current !== answer.serverUrl) {
      // Another server was picked and it does not answer: its node types are unknown, not the previous server's.
      catalogueFrom.current = null;
      store.getState().setCatalogue(BUNDLED_CATALOGUE, "bundled");
    }
  }, [serverCatalogue.data, store]);


  const startRun = useCallback(async () => {
    // A run started before the server's catalogue arrived would be checked against the bundled one only (which knows no
    // model files): wait for the answer in flight (or ask again when it is stale), so the check uses what ComfyUI has.
    // Bounded: a ComfyUI that does not answer must not hold the click up; the server checks the graph again anyway.
    // The same when another server was picked since its catalogue arrived.
    if (store.getState().catalogueSource !== "server" || (runServer.url !== null && catalogueFrom.current !== runServer.url)) {
      const answer = await Promise.race([
        queryClient.fetchQuery(catalogueQuery).catch(() => null),
        new Promise<null>((resolve) => window.setTimeout(() => resolve(null), CATALOGUE_WAIT_MS)),
      ]);
      if (answer?.source === "server") {
        catalogueFrom.current = answer.serverUrl;
        store.getState().setCatalogue(answer.catalogue as typeof BUNDLED_CATALOGUE, "server");
      }
    }
    const s = store.getState();
    // With "any server that fits", what the shown (default) server lacks may be on another: the server picks and
    // says why none fits; the other problems are the graph's own.
    const serverSpecific = (kind: string) => runServer.any && (kind === "unknown_node_type" || kind === "value_not_in_list");
    const errors = s.issues.filter((i) => i.severity === "error" && !serverSpecific(i.kind));
    if (errors.length > 0) {
      s.setPanel("problems");
      s.notify(`Fix ${errors.length} problem${errors.length === 1 ? "" : "s"} before running: ${errors[0]!.message}`, "error");
      return;
    }
    // The exact saved version when nothing changed (traceable to it); otherwise the draft, recorded as unsaved.
    const target = s.doc === s.savedDoc && s.baseVersionId !== null ? { workflowId: s.workflowId, versionId: s.baseVersionId } : { workflowId: s.workflowId, document: s.doc };
    // The request leaves first; opening the run panel renders after it.
    startRunOf(runServer.any ? { ...target, anyServer: true } : runServer.url === null ? target : { ...target, serverUrl: runServer.url });
    s.setPanel("run");
  }, [store, startRunOf, queryClient, catalogueQuery, runServer.url, runServer.any]);
  const runFromButton = useCallback(() => void startRun(), [startRun]);
  /** Node definitions asked of ComfyUI again (new custom nodes, new model files), for this editor and the next runs. */
  const refreshCatalogue = useCallback(() => {
    const s = store.getState();
    void queryClient
      .fetchQuery(trpc.catalogue.get.queryOptions({ refresh: true, serverUrl: runServerUrl }, { staleTime: 0 }))
      .then((answer) => {
        if (answer.source !== "server") {
          s.notify(answer.reason ?? `ComfyUI at ${answer.serverUrl} did not answer.`, "error");
          return;
        }
        catalogueFrom.current = answer.serverUrl;
        s.setCatalogue(answer.catalogue as typeof BUNDLED_CATALOGUE, "server");
        queryClient.setQueryData(catalogueQuery.queryKey, answer);
        s.notify(`Node definitions from ComfyUI at ${answer.serverUrl}: ${Object.keys(answer.catalogue).length} node types.`);
      })
      .catch((e: unknown) => s.notify(`Could not refresh the node definitions: ${errorMessage(e)}`, "error"));
  }, [store, queryClient, trpc, runServerUrl, catalogueQuery]);
  const [importInfo, setImportInfo] = useState<{ warnings: { message: string }[]; missingNodeTypes: string[] } | null>(null);
  const pointer = useRef({ screenX: 200, screenY: 200 });
  /** Where the mouse last was on the canvas, in flow and screen coordinates. */
  const pointerAt = useCallback(() => {
    const { screenX, screenY } = pointer.current;
    const p = flow.screenToFlowPosition({ x: screenX, y: screenY });
    return { x: p.x, y: p.y, screenX, screenY };
  }, [flow]);
  const gesture = useRef<Gesture | null>(null);
  const fit = useFitNodes();
  const connectFrom = useRef<OnConnectStartParams | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // One shared empty object when not comparing: a new {} per edit would re-render every node through the context.
  const highlights = useMemo(() => (compare && comparedDoc ? getDiffHighlights(diffDocuments(compare.before, comparedDoc)) : NO_HIGHLIGHTS), [compare, comparedDoc]);
  useEffect(() => preloadEditorModules(), []);
  // The canvas opens where the person left it (saved-viewport.ts), else already fitted (initial-viewport.ts): the
  // canvas size is known only once it is in the DOM.
  const canvasRef = useRef<HTMLDivElement>(null);
  const [startViewport, setStartViewport] = useState<StartViewport | null>(null);
  useLayoutEffect(() => {
    const el = canvasRef.current;
    if (!el || startViewport) return;
    const s = store.getState();
    const rowsOf = rowsOfNodes(s);
    const size = { width: el.clientWidth, height: el.clientHeight };
    const saved = readSavedViewport(window.localStorage, s.workflowId);
    if (saved && saved.zoom >= MIN_ZOOM && viewShowsGraph(saved, s.doc.graph, s.doc.layout, rowsOf, size)) setStartViewport({ ...saved, fitted: false });
    else setStartViewport({ ...fitViewportToLayout(s.doc.graph, s.doc.layout, rowsOf, size, { minZoom: MIN_ZOOM, maxZoom: FIT_MAX_ZOOM, padding: 0.1 }), fitted: true });
  }, [store, startViewport]);

  const save = useMutation(
    trpc.workflow.save.mutationOptions({
      onSuccess: async (result, variables) => {
        store.getState().markSaved(variables.document as WorkflowDocument, result.version.id);
        store.getState().notify(result.created ? `Saved version ${result.version.id}` : "No changes to save");
        await clearDraft(workflowId);
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
      },
      onError: (error) => {
        // Someone saved in between: never overwrite, offer diff / rebase / branch instead.
        if ((error as { data?: { appCode?: string } }).data?.appCode === "CONFLICT") setConflict(true);
        else store.getState().notify(errorMessage(error), "error");
      },
    }),
  );

  const doSave = useCallback(() => {
    if (save.isPending) return;
    const s = store.getState();
    save.mutate({ id: s.workflowId, baseVersionId: s.baseVersionId, document: s.doc });
  }, [save, store]);

  const copy = useCallback((): string | null => {
    const s = store.getState();
    if (s.selection.nodes.size === 0) return null;
    const fragment = extractFragment(s.doc, [...s.selection.nodes] as NodeId[]);
    // ComfyUI's own workflow JSON, so the clipboard pastes into ComfyUI as well as into another tab of Atelier.
    const text = JSON.stringify(exportUiWorkflow({ ...s.doc, graph: fragment.graph, layout: fragment.layout }, s.catalogue));
    try {
      window.localStorage.setItem(CLIPBOARD_KEY, text);
    } catch {
      // A full or disabled localStorage only costs the cross-tab fallback.
    }
    s.notify(`Copied ${fragment.graph.nodes.length} node${fragment.graph.nodes.length === 1 ? "" : "s"}`);
    return text;
  }, [store]);

  const pasteText = useCallback(
    async (text: string) => {
      const formats = await loadFormats().catch((e: unknown) => {
        store.getState().notify(`Paste failed: the importer did not load (${errorMessage(e)}); try again.`, "error");
        return null;
      });
      if (!formats) return;
      const { importWorkflow } = formats;
      const s = store.getState();
      const result = importWorkflow(text, { catalogue: s.catalogue });
      if (!result.ok) {
        s.notify(`The clipboard does not hold a workflow: ${result.error.message}`, "error");
        return;
      }
      const p = pointerAt();
      let pasted: NodeId[] = [];
      s.apply("Paste", (d) => {
        const r = pasteFragment(d, { graph: result.document.graph, layout: result.document.layout }, { at: { x: p.x, y: p.y } });
        pasted = r.nodeIds;
        return r.doc;
      });
      s.setSelection({ nodes: new Set(pasted), groups: new Set(), edges: new Set() });
    },
    [store, pointerAt],
  );

  const duplicate = useCallback(() => {
    const s = store.getState();
    const ids = [...s.selection.nodes] as NodeId[];
    if (ids.length === 0) return;
    let pasted: NodeId[] = [];
    s.apply("Duplicate", (d) => {
      const r = pasteFragment(d, extractFragment(d, ids), { offset: { x: 40, y: 40 } });
      pasted = r.nodeIds;
      return r.doc;
    });
    s.setSelection({ nodes: new Set(pasted), groups: new Set(), edges: new Set() });
  }, [store]);

  const exportAs = useCallback(
    (format: "ui" | "api" | "atelier" | "png") => {
      const s = store.getState();
      void loadFiles()
        .then((files) => files.exportDocument(s.doc, s.catalogue, format, s.name))
        .catch((e: unknown) => s.notify(`Export failed: ${errorMessage(e)}`, "error"));
    },
    [store],
  );

  const importFile = useCallback(
    async (file: File) => {
      const s = store.getState();
      const files = await loadFiles().catch((e: unknown) => {
        s.notify(`${file.name}: the importer did not load (${errorMessage(e)}); try again.`, "error");
        return null;
      });
      if (!files) return;
      const result = await files.importFromFile(file, s.catalogue);
      if (!result.ok) {
        s.notify(`${file.name}: ${result.message}`, "error");
        return;
      }
      s.replaceDocument({ ...result.document, metadata: { ...result.document.metadata, name: s.doc.metadata.name } }, `Import ${file.name}`);
      setImportInfo(result.warnings.length > 0 || result.missingNodeTypes.length > 0 ? { warnings: result.warnings, missingNodeTypes: result.missingNodeTypes } : null);
      s.notify(`Imported ${file.name}`);
      window.setTimeout(() => fit(), 50);
    },
    [store, fit],
  );

  const ctx: CommandContext = useMemo(
    () => ({
      store,
      flow: flow as unknown as CommandContext["flow"],
      fit,
      save: doSave,
      copy: () => {
        const text = copy();
        if (text) void navigator.clipboard?.writeText(text).catch(() => {});
      },
      cut: () => {
        const text = copy();
        if (!text) return;
        void navigator.clipboard?.writeText(text).catch(() => {});
        const s = store.getState();
        s.apply("Cut", (d) => removeNodes(d, [...s.selection.nodes] as NodeId[]));
      },
      paste: () => {
        void (navigator.clipboard?.readText() ?? Promise.reject(new Error("no clipboard")))
          .catch(() => window.localStorage.getItem(CLIPBOARD_KEY) ?? "")
          .then((text) => (text ? pasteText(text) : undefined));
      },
      duplicate,
      openImport: () => fileInput.current?.click(),
      exportAs,
      run: () => void startRun(),
      refreshCatalogue,
      pointer: pointerAt,
    }),
    [store, flow, fit, doSave, copy, pasteText, duplicate, exportAs, startRun, refreshCatalogue, pointerAt],
  );

  const run = useCallback(
    (command: Command) => {
      setOpenMenu(null);
      const s = store.getState();
      if (command.enabled && !command.enabled(s)) {
        if (command.disabledReason) s.notify(command.disabledReason);
        return;
      }
      command.perform(ctx);
    },
    [ctx, store],
  );

  // Shortcuts, from the one command list.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditableTarget(e.target)) {
        if (!((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s")) return;
      }
      if ((e.ctrlKey || e.metaKey) && ["c", "v", "x"].includes(e.key.toLowerCase()) && !e.shiftKey) return; // handled by the clipboard events below
      const command = findCommandForKey(e);
      if (!command) return;
      e.preventDefault();
      run(command);
    };
    const onCopy = (e: ClipboardEvent) => {
      if (isEditableTarget(e.target)) return;
      const text = copy();
      if (text && e.clipboardData) {
        e.clipboardData.setData("text/plain", text);
        e.preventDefault();
      }
    };
    const onCut = (e: ClipboardEvent) => {
      if (isEditableTarget(e.target)) return;
      const text = copy();
      if (!text || !e.clipboardData) return;
      e.clipboardData.setData("text/plain", text);
      e.preventDefault();
      const s = store.getState();
      s.apply("Cut", (d) => removeNodes(d, [...s.selection.nodes] as NodeId[]));
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isEditableTarget(e.target)) return;
      const text = e.clipboardData?.getData("text/plain") || window.localStorage.getItem(CLIPBOARD_KEY) || "";
      if (!text) return;
      e.preventDefault();
      void pasteText(text);
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCut);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCut);
      document.removeEventListener("paste", onPaste);
    };
  }, [run, copy, pasteText, store]);

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const s = store.getState();
      const sel = new Set(s.selection.edges);
      let changed = false;
      for (const c of changes) {
        if (c.type === "select") {
          changed = true;
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        }
      }
      if (changed) s.setSelection({ edges: sel });
    },
    [store],
  );

  const toRequest = (c: Connection | Edge) => ({
    source: c.source as NodeId,
    sourceSlot: Number(c.sourceHandle ?? 0),
    target: c.target as NodeId,
    targetInput: c.targetHandle ?? "",
  });

  const isValidConnection = useCallback(
    (c: Connection | Edge) => {
      const s = store.getState();
      return checkConnection(s.doc.graph, s.catalogue, toRequest(c)) === null;
    },
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const s = store.getState();
      const req = toRequest(c);
      const reason = checkConnection(s.doc.graph, s.catalogue, req);
      if (reason) {
        s.notify(reason, "error");
        return;
      }
      s.apply("Connect", (d) => connect(d, req, getOutputType(d.graph, s.catalogue, req.source, req.sourceSlot)));
    },
    [store],
  );

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const s = store.getState();
      const from = connectFrom.current;
      connectFrom.current = null;
      if (state.isValid) return;
      if (state.toHandle && state.fromHandle) {
        const source = state.fromHandle.type === "source" ? state.fromHandle : state.toHandle;
        const target = state.fromHandle.type === "source" ? state.toHandle : state.fromHandle;
        const reason = checkConnection(s.doc.graph, s.catalogue, {
          source: source.nodeId as NodeId,
          sourceSlot: Number(source.id ?? 0),
          target: target.nodeId as NodeId,
          targetInput: target.id ?? "",
        });
        if (reason) s.notify(reason, "error");
        return;
      }
      if (state.toNode || !from?.nodeId) return;
      // A link dropped on empty canvas: offer the nodes that fit it, then connect the new one.
      const point = "changedTouches" in event ? event.changedTouches[0]! : (event as MouseEvent);
      const at = flow.screenToFlowPosition({ x: point.clientX, y: point.clientY });
      const nodeId = from.nodeId as NodeId;
      if (from.handleType === "source") {
        const slot = Number(from.handleId ?? 0);
        s.openSearch({ at, screen: { x: point.clientX, y: point.clientY }, from: { kind: "output", nodeId, slot, type: getOutputType(s.doc.graph, s.catalogue, nodeId, slot) ?? "*" } });
      } else {
        const input = from.handleId ?? "";
        s.openSearch({ at, screen: { x: point.clientX, y: point.clientY }, from: { kind: "input", nodeId, input, type: getInputType(s.doc.graph, s.catalogue, nodeId, input) ?? "*" } });
      }
    },
    [store, flow],
  );

  const pickFromSearch = useCallback(
    (r: Extract<SearchResult, { kind: "node" }>) => {
      const s = store.getState();
      const request = s.search;
      if (!request) return;
      const id = nextNodeId(s.doc.graph);
      s.apply(`Add ${r.label}`, (d) => {
        let next = addNode(d, createNode(s.catalogue, r.type, id), { x: request.at.x, y: request.at.y });
        const from = request.from;
        if (from?.kind === "output" && r.connectVia?.input !== undefined) {
          next = connect(next, { source: from.nodeId as NodeId, sourceSlot: from.slot, target: id, targetInput: r.connectVia.input }, from.type);
        } else if (from?.kind === "input" && r.connectVia?.slot !== undefined) {
          next = connect(next, { source: id, sourceSlot: r.connectVia.slot, target: from.nodeId as NodeId, targetInput: from.input }, from.type);
        }
        return next;
      });
      s.openSearch(null);
      s.setSelection({ nodes: new Set([id]), groups: new Set(), edges: new Set() });
    },
    [store],
  );

  const onDrop = useCallback(
    (e: ReactDragEvent) => {
      const file = e.dataTransfer.files?.[0];
      if (!file) return;
      e.preventDefault();
      void importFile(file);
    },
    [importFile],
  );

  // Stable handler identities: React Flow copies every prop into its store on each render, and a new
  // function there wakes its subscribers, which on a drag frame at 1,000 nodes is work we can skip.
  const onConnectStart = useCallback((_: unknown, params: OnConnectStartParams) => {
    connectFrom.current = params;
  }, []);
  const onNodeDragStart = useCallback(
    (_: unknown, node: AnyFlowNode) => {
      const g: NonNullable<typeof gesture.current> = { id: `${Date.now()}-${node.id}` };
      if (node.id.startsWith(GROUP_PREFIX)) {
        const d = store.getState().doc;
        const groupId = node.id.slice(GROUP_PREFIX.length);
        g.groupMembers = new Map(nodesInGroup(d, groupId).map((id) => [id, { x: d.layout.nodes[id]!.x, y: d.layout.nodes[id]!.y }]));
        g.groupStart = { x: node.position.x, y: node.position.y };
      }
      gesture.current = g;
    },
    [store],
  );
  const onNodeDragStop = useCallback(() => {
    gesture.current = null;
  }, []);
  const onPaneClick = useCallback(() => {
    setOpenMenu(null);
    store.getState().setSelection({ nodes: new Set(), groups: new Set(), edges: new Set() });
  }, [store]);

  const flowHandlers = useMemo(
    (): FlowHandlers => ({ onEdgesChange, onConnect, onConnectStart, onConnectEnd, isValidConnection, onNodeDragStart, onNodeDragStop, onPaneClick }),
    [onEdgesChange, onConnect, onConnectStart, onConnectEnd, isValidConnection, onNodeDragStart, onNodeDragStop, onPaneClick],
  );

  const problemCount = issues.filter((i) => i.severity === "error").length;
  // The semantic hash only moves when the graph does, never on a drag.
  const graphHash = useMemo(() => hashDocument({ graph, subgraphs }), [graph, subgraphs]);
  const groupsOrder: Command["group"][] = ["File", "Edit", "Node", "View", "Run"];

  return (
    <RunServerContext.Provider value={runServerUrl}>
      <section className="editor">
        <div className="editor-toolbar">
          <h1 className="editor-title">{name}</h1>
          <nav className="menubar" aria-label="Editor menu">
            {groupsOrder.map((g) => (
              <div className="menu" key={g}>
                <button type="button" aria-haspopup="menu" aria-expanded={openMenu === g} onClick={() => setOpenMenu(openMenu === g ? null : g)}>
                  {g}
                </button>
                {openMenu === g && (
                  <ul role="menu" className="menu-list">
                    {COMMANDS.filter((c) => c.group === g).map((c) => {
                      const enabled = !c.enabled || c.enabled(store.getState());
                      return (
                        <li key={c.id} role="none">
                          <button type="button" role="menuitem" disabled={!enabled} title={!enabled ? c.disabledReason : undefined} onClick={() => run(c)}>
                            <span>{c.label}</span>
                            {c.keys && <kbd>{c.keys[0]}</kbd>}
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                )}
              </div>
            ))}
          </nav>
          <span className="hash" title={`Semantic hash of this graph: ${graphHash}`} data-testid="graph-hash">
            #{graphHash.slice(0, 8)}
          </span>
          <span className="muted" data-testid="save-state">
            {save.isPending ? "Saving…" : dirty ? "Unsaved changes" : `Version ${baseVersionId ?? "—"}`}
          </span>
          <button type="button" className={`problems-button${problemCount > 0 ? " has-problems" : ""}`} onClick={() => store.getState().setPanel(panel === "problems" ? null : "problems")}>
            Problems {problemCount > 0 ? `(${problemCount})` : ""}
          </button>
          <button type="button" onClick={() => store.getState().setPanel(panel === "history" ? null : "history")}>
            History
          </button>
          <button type="button" onClick={() => store.getState().setPanel(panel === "json" ? null : "json")}>
            JSON
          </button>
          <button type="button" className="primary" onClick={doSave} disabled={save.isPending}>
            Save
          </button>
          <ServerPicker choice={runServer} />
          <RunButton
            onRun={runFromButton}
            title={catalogueSource === "server" ? "Run on ComfyUI (Ctrl+Enter)" : (serverCatalogue.data?.reason ?? "Run on ComfyUI (Ctrl+Enter)")}
          />
        </div>
        {notice && (
          <div className={`notice notice-${notice.tone}`} role={notice.tone === "error" ? "alert" : "status"} data-testid="notice">
            <span>{notice.text}</span>
            <button type="button" aria-label="Dismiss" onClick={() => store.getState().notify(null)}>
              ×
            </button>
          </div>
        )}
        {compare && (
          <div className="notice notice-compare" role="status" data-testid="compare-banner">
            <span>
              Comparing with {compare.label}:{" "}
              {["added", "changed", "removed", "moved"]
                .map((k) => [k, Object.values(highlights).filter((h) => h.status === k).length] as const)
                .filter(([, n]) => n > 0)
                .map(([k, n]) => `${n} ${k}`)
                .join(", ") || "no differences"}
            </span>
            <button type="button" onClick={() => store.getState().setCompare(null)}>
              Stop comparing
            </button>
          </div>
        )}
        {conflict && baseVersionId !== null && (
          <Suspense fallback={null}>
          <ConflictDialog
            workflowId={workflowId}
            baseVersionId={baseVersionId}
            document={store.getState().doc}
            onClose={() => setConflict(false)}
            onRebased={({ document, headVersionId }) => {
              const s = store.getState();
              s.replaceDocument(document, `Rebase on version ${headVersionId}`);
              store.setState({ baseVersionId: headVersionId });
              setConflict(false);
              s.notify(`Your changes now sit on version ${headVersionId}; check them and save.`);
            }}
            onBranched={(id) => {
              setConflict(false);
              void clearDraft(workflowId).then(() => router.push(`/workflows/${id}`));
            }}
          />
          </Suspense>
        )}
        {serverDraftOffered && !dirty && (
          <DraftBanner
            workflowId={workflowId}
            onRecover={(d) => {
              const s = store.getState();
              s.replaceDocument(d.document, "Recover autosaved draft");
              store.setState({ baseVersionId: d.baseVersionId });
              setServerDraftOffered(false);
              s.notify("Recovered the autosaved draft");
            }}
          />
        )}
        {importInfo && <ImportNotice warnings={importInfo.warnings} missingNodeTypes={importInfo.missingNodeTypes} onDismiss={() => setImportInfo(null)} />}
        <div className="editor-body">
          <div
            ref={canvasRef}
            className="canvas"
            data-testid="canvas"
            onMouseMove={(e) => {
              // Screen position only: turning it into a flow position measures the canvas, which on every mouse move
              // of a drag would force a layout; pointerAt() does it when a command needs it.
              pointer.current = { screenX: e.clientX, screenY: e.clientY };
            }}
            onDoubleClick={(e) => {
              if (!(e.target as HTMLElement).classList.contains("react-flow__pane")) return;
              const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
              store.getState().openSearch({ at, screen: { x: e.clientX, y: e.clientY } });
            }}
            onDragOver={(e) => {
              if (e.dataTransfer.types.includes("Files")) e.preventDefault();
            }}
            onDrop={onDrop}
          >
            <DiffHighlightsContext.Provider value={highlights}>
            {startViewport && (
            <LowDetailBoundary>
            <CanvasFlow startViewport={startViewport} highlights={highlights} gesture={gesture} handlers={flowHandlers} />
            </LowDetailBoundary>
            )}
            </DiffHighlightsContext.Provider>
          </div>
          {panel === "problems" && <ProblemsPanel onClose={() => store.getState().setPanel(null)} />}
          {panel === "run" && (
            <SidePanel label="Run" onClose={() => store.getState().setPanel(null)}>
              <EditorRunPanel
                onSelectNode={(nodeId) => {
                  const id = nodeId.split(":")[0]!;
                  store.getState().setSelection({ nodes: new Set([id]), groups: new Set(), edges: new Set() });
                  fit([id], { duration: 250, maxZoom: 1.2 });
                }}
              />
            </SidePanel>
          )}
          {panel === "history" && (
            <SidePanel label="History" extra={<Link href={`/workflows/${workflowId}/history`}>Full history, publish, upgrade</Link>} onClose={() => store.getState().setPanel(null)}>
              <Suspense fallback={<p className="muted">Loading history…</p>}>
              <HistoryPanel
                workflowId={workflowId}
                onRestore={() => {
                  // The head moved to the restored content: reload from it. Unsaved changes stay in the local
                  // draft, which will then report the conflict instead of being lost.
                  if (!selectDirty(store.getState())) void clearDraft(workflowId).then(() => window.location.reload());
                  else window.location.reload();
                }}
                onFork={(id) => router.push(`/workflows/${id}`)}
                onOpenDiff={(fromId) => {
                  void queryClient
                    .fetchQuery(trpc.version.get.queryOptions({ versionId: fromId }))
                    .then((v) => store.getState().setCompare({ label: `version ${fromId}`, before: v.document }))
                    .catch((e: unknown) => store.getState().notify(`Could not load version ${fromId}: ${errorMessage(e)}`, "error"));
                }}
              />
              </Suspense>
            </SidePanel>
          )}
          {panel === "json" && (
            <Suspense fallback={null}>
            <DocumentJsonPanel catalogue={catalogue} onApply={(next) => {
                store.getState().replaceDocument(next, "Edit JSON");
                window.setTimeout(() => fit(), 50);
              }} onClose={() => store.getState().setPanel(null)} />
            </Suspense>
          )}
        </div>
        {search && (
          <NodeSearch catalogue={catalogue} request={search} commands={COMMANDS} onPick={pickFromSearch} onCommand={(c) => { store.getState().openSearch(null); run(c); }} onClose={() => store.getState().openSearch(null)} />
        )}
        {shortcutsOpen && <ShortcutsSheet onClose={() => store.getState().setShortcutsOpen(false)} />}
        <input
          ref={fileInput}
          type="file"
          accept=".json,.png,.webp,application/json,image/png,image/webp"
          aria-label="Import workflow file"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void importFile(file);
          }}
        />
      </section>
    </RunServerContext.Provider>
  );
}

/** The JSON panel reads the whole document, so it subscribes to it here rather than in the shell. */
function DocumentJsonPanel(props: Omit<JsonPanelProps, "document">) {
  const doc = useEditor((s) => s.doc);
  return <JsonPanel document={doc} {...props} />;
}

/** Autosaves the draft to the server; its own component so a drag does not re-render the editor around it. */
function ServerDraftAutosave() {
  const workflowId = useEditor((s) => s.workflowId);
  const baseVersionId = useEditor((s) => s.baseVersionId);
  const doc = useEditor((s) => s.doc);
  const dirty = useEditor(selectDirty);
  useDraftAutosave({ workflowId, baseVersionId, document: doc, dirty });
  return null;
}

/** Keeps the unsaved draft and its undo history in IndexedDB, a moment after each change. */
function useDraftPersistence(store: EditorStore) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.doc === prev.doc && s.past === prev.past && s.future === prev.future) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const cur = store.getState();
        if (cur.doc === cur.savedDoc) void clearDraft(cur.workflowId);
        else
          storeDraft({ workflowId: cur.workflowId, baseVersionId: cur.baseVersionId, doc: cur.doc, past: cur.past, future: cur.future, savedAt: Date.now() }).catch(
            (e: unknown) =>
              // A full or blocked IndexedDB must not fail silently: say so (the server keeps its own copy of the draft).
              store.getState().notify(`This browser could not keep your draft (${e instanceof Error ? e.message : String(e)}); the server still autosaves it, and Save keeps it for good.`, "error"),
          );
      }, 400);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store]);
}

function EditorRoot({
  workflowId,
  name,
  document,
  versionId,
  localDraft,
}: {
  workflowId: string;
  name: string;
  document: WorkflowDocument;
  versionId: number;
  localDraft: ReturnType<typeof loadDraft>;
}) {
  const [store] = useState(() => createEditorStore({ workflowId, name, doc: document, baseVersionId: versionId, catalogue: BUNDLED_CATALOGUE }));
  const [ready, setReady] = useState(false);
  const [restoredLocal, setRestoredLocal] = useState(false);
  useEffect(() => {
    let cancelled = false;
    void localDraft.then((draft) => {
      if (cancelled) return;
      if (draft) {
        setRestoredLocal(true);
        store.getState().restoreDraft(draft);
        if (draft.baseVersionId !== versionId) {
          store.setState({ baseVersionId: draft.baseVersionId });
          store.getState().notify(`Restored your unsaved changes. They were made on version ${draft.baseVersionId}, and the workflow has been saved since as version ${versionId}: saving will report a conflict.`);
        } else store.getState().notify("Restored your unsaved changes");
      }
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
  }, [store, localDraft, versionId]);
  useDraftPersistence(store);
  if (!ready) return <p className="muted">Loading workflow…</p>;
  return (
    <EditorStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <EditorRun workflowId={workflowId}>
          <EditorShell offerServerDraft={!restoredLocal} />
        </EditorRun>
        <ServerDraftAutosave />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}

/** The editor page: the workflow's graph on a React Flow canvas, saved as a new version. */
export function WorkflowEditor({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }, { staleTime: Infinity }));
  // This browser's unsaved draft is read while the workflow loads, not after it.
  const draft = useMemo(() => loadDraft(workflowId), [workflowId]);
  if (query.error) return <ErrorText error={query.error} />;
  if (!query.data) return <p className="muted">Loading workflow…</p>;
  return <EditorRoot key={workflowId} workflowId={workflowId} name={query.data.name} document={query.data.document} versionId={query.data.head.id} localDraft={draft} />;
}
