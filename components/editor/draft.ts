"use client";

import { del, get, set } from "idb-keyval";
import type { WorkflowDocument } from "@/lib/graph/model";
import type { HistoryEntry } from "./store";

/** An unsaved draft with its undo history, kept in IndexedDB so a reload or a closed tab loses nothing. */
export type StoredDraft = {
  workflowId: string;
  baseVersionId: number | null;
  doc: WorkflowDocument;
  past: HistoryEntry[];
  future: HistoryEntry[];
  savedAt: number;
};

const key = (workflowId: string) => `atelier:draft:${workflowId}`;
/** Enough undo to be useful after a reload without storing hundreds of full 2,000-node documents. */
const KEPT_STEPS = 50;

export async function loadDraft(workflowId: string): Promise<StoredDraft | undefined> {
  try {
    const draft = await get<StoredDraft>(key(workflowId));
    return draft && draft.workflowId === workflowId ? draft : undefined;
  } catch {
    return undefined;
  }
}

export async function storeDraft(draft: StoredDraft): Promise<void> {
  await set(key(draft.workflowId), { ...draft, past: draft.past.slice(-KEPT_STEPS), future: draft.future.slice(0, KEPT_STEPS) });
}

export async function clearDraft(workflowId: string): Promise<void> {
  try {
    await del(key(workflowId));
  } catch {
    // Nothing stored, or storage unavailable: nothing to clear.
  }
}
