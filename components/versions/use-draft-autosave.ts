"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/components/trpc";
import type { WorkflowDocument } from "@/lib/graph/model";

/**
 * Autosaves the editor's document as the workflow's draft (never a version)
 * `delayMs` after the last change, and once more when the tab is hidden or
 * closed, so closing a tab loses nothing. Pass `dirty: false` after a save.
 */
export function useDraftAutosave(options: { workflowId: string; baseVersionId: number | null; document: WorkflowDocument | null; dirty: boolean; delayMs?: number; author?: string }) {
  const trpc = useTRPC();
  const put = useMutation(trpc.version.putDraft.mutationOptions());
  const latest = useRef(options);
  const { workflowId, baseVersionId, document, dirty, delayMs = 1500, author } = options;
  useEffect(() => {
    latest.current = { workflowId, baseVersionId, document, dirty, delayMs, author };
  });
  const { mutate } = put;
  useEffect(() => {
    if (!dirty || !document) return;
    const timer = setTimeout(() => mutate({ workflowId, baseVersionId, document, author }), delayMs);
    return () => clearTimeout(timer);
  }, [workflowId, baseVersionId, document, dirty, delayMs, author, mutate]);
  useEffect(() => {
    const flush = () => {
      const o = latest.current;
      if (!o.dirty || !o.document) return;
      // sendBeacon survives the page going away; tRPC's HTTP batch format is ?batch=1 with inputs keyed by index.
      const body = JSON.stringify({ 0: { workflowId: o.workflowId, baseVersionId: o.baseVersionId, document: o.document, author: o.author } });
      navigator.sendBeacon?.("/api/trpc/version.putDraft?batch=1", new Blob([body], { type: "application/json" }));
    };
    const onVisibility = () => {
      if (globalThis.document.visibilityState === "hidden") flush();
    };
    window.addEventListener("pagehide", flush);
    globalThis.document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("pagehide", flush);
      globalThis.document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);
  return { lastSavedAt: put.data?.updatedAt ?? null, error: put.error };
}

/** The autosaved draft of a workflow, if one is newer than its last save (offer to recover it). */
export function useDraft(workflowId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.version.getDraft.queryOptions({ workflowId }, { staleTime: 0 }));
}
