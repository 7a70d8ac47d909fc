"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "@/components/trpc";
import { errorMessage } from "@/components/ui/error-text";
import type { WorkflowDocument } from "@/lib/graph";
import { applyRunStreamEvent, computeRunProgress, isTerminalRunStatus, type RunStreamEvent, type RunView } from "@/lib/runs";
import { getNodeRunMarks, type NodeRunMark, type NodeRunMarksCache } from "./run-state";

const NO_MARKS: Record<string, NodeRunMark> = {};

/** What to run: a workflow's head, an exact version, or a draft document (recorded as unsaved). */
export type RunTarget = { workflowId?: string; versionId?: number; document?: WorkflowDocument; /** A configured ComfyUI server; without it the default one. */ serverUrl?: string; /** Instead: the configured server that fits. */ anyServer?: boolean };

export interface UseRunResult {
  runId: string | null;
  /** The run as the server streams it (null before the first start or while loading). */
  run: RunView | null;
  /** Per prompt node id, for node cards. */
  marks: Record<string, NodeRunMark>;
  /** 0..1 over all nodes, the running node by its steps. */
  progress: number;
  /** The latest preview frame (sampler previews), as a data: URL. */
  preview: { nodeId: string | null; src: string } | null;
  /** True from start() until the run ends. */
  active: boolean;
  starting: boolean;
  /** A failed start/cancel call (a run that failed has its reason in run.detail instead). */
  error: string | null;
  start: (target: RunTarget) => Promise<RunView | null>;
  /** Runs the exact snapshot of the current run again. */
  rerun: () => Promise<RunView | null>;
  cancel: () => Promise<void>;
  /** Follows another run (e.g. one picked from a list). */
  follow: (runId: string | null) => void;
}

/**
 * Starts runs and follows one over the tRPC subscription (`runId`, else the
 * latest run of `workflowId`, else none until `start`): the server replays
 * the current state first, then sends only what changed, so this stays
 * cheap on a 1000-node graph.
 */
export function useRun(options: { runId?: string | null; workflowId?: string | null } = {}): UseRunResult {
  const client = useTRPCClient();
  const trpc = useTRPC();
  // With a workflow and no run given, pick up that workflow's latest run (e.g. one still going after a reload).
  const latest = useQuery(
    trpc.run.list.queryOptions({ workflowId: options.workflowId ?? undefined, limit: 1 }, { enabled: Boolean(options.workflowId) && !options.runId, staleTime: Infinity }),
  );
  // A run started or followed here wins over the one passed in.
  const [ownRunId, setRunId] = useState<string | null>(null);
  const runId = ownRunId ?? options.runId ?? latest.data?.runs[0]?.id ?? null;
  // The run and its node marks change together, outside render (marks of unchanged nodes keep their identity).
  const [shown, setShown] = useState<{ run: RunView | null; marks: Record<string, NodeRunMark> }>({ run: null, marks: NO_MARKS });
  const run = shown.run;
  const [previewOf, setPreview] = useState<{ runId: string; nodeId: string | null; src: string } | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const runRef = useRef<RunView | null>(null);
  const marksCache = useRef<NodeRunMarksCache | null>(null);
  const show = useCallback((next: RunView | null) => {
    const marks = getNodeRunMarks(next, marksCache.current);
    marksCache.current = next ? { nodes: next.nodes, marks } : null;
    runRef.current = next;
    setShown({ run: next, marks });
  }, []);

  useEffect(() => {
    if (!runId) return;
    const sub = client.run.onEvents.subscribe(
      { runId },
      {
        onData: (data) => {
          const event = data as RunStreamEvent;
          if (event.type === "preview") {
            setPreview({ runId, nodeId: event.nodeId, src: `data:${event.mime};base64,${event.dataBase64}` });
            return;
          }
          show(applyRunStreamEvent(runRef.current, event));
        },
        onError: (e) => setError(errorMessage(e)),
      },
    );
    return () => sub.unsubscribe();
  }, [client, runId, show]);

  const adopt = useCallback(
    (view: RunView) => {
      show(view);
      setRunId(view.id);
    },
    [show],
  );

  /** Sends a start-like call and follows the run it creates; a refusal becomes `error`, not a throw. */
  const launch = useCallback(
    async (call: () => Promise<RunView>) => {
      setStarting(true);
      setError(null);
      try {
        const view = await call();
        adopt(view);
        return view;
      } catch (e) {
        setError(errorMessage(e));
        return null;
      } finally {
        setStarting(false);
      }
    },
    [adopt],
  );

  const start = useCallback((target: RunTarget) => launch(() => client.run.start.mutate(target)), [client, launch]);

  const rerun = useCallback(async () => {
    const current = runRef.current;
    if (!current) return null;
    return launch(() => client.run.rerun.mutate({ runId: current.id }));
  }, [client, launch]);

  const cancel = useCallback(async () => {
    if (!runId) return;
    try {
      await client.run.cancel.mutate({ runId });
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [client, runId]);

  // The subscription may still hold the previous run's view for a moment after switching.
  const current = run && run.id === runId ? run : null;
  const marks = current ? shown.marks : NO_MARKS;
  const progress = useMemo(() => (current ? computeRunProgress(current) : 0), [current]);
  return {
    runId,
    run: current,
    marks,
    progress,
    preview: previewOf && previewOf.runId === runId ? { nodeId: previewOf.nodeId, src: previewOf.src } : null,
    active: starting || (run !== null && !isTerminalRunStatus(run.status)),
    starting,
    error,
    start,
    rerun,
    cancel,
    follow: setRunId,
  };
}
