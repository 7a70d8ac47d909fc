"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import type { WorkflowDocument } from "@/lib/graph/model";
import { useDraft } from "./use-draft-autosave";
import styles from "./versions.module.css";

/**
 * Offers the autosaved draft left by a closed tab: recover it into the
 * editor (its base may be older than the head: the next save then conflicts
 * and the conflict dialog offers rebase), or discard it.
 */
export function DraftBanner({ workflowId, onRecover }: { workflowId: string; onRecover: (draft: { document: WorkflowDocument; baseVersionId: number | null }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const draft = useDraft(workflowId);
  const discard = useMutation(
    trpc.version.discardDraft.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.version.getDraft.queryKey({ workflowId }) }) }),
  );
  if (!draft.data) return null;
  const d = draft.data;
  return (
    <div role="status" className={styles.row} data-testid="draft-banner" style={{ gridTemplateColumns: "1fr auto" }}>
      <span>
        Unsaved changes from {new Date(d.updatedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })} (based on v{d.baseVersionId ?? "?"}) were kept.
      </span>
      <span className={styles.actions}>
        <button type="button" className="primary" onClick={() => onRecover({ document: d.document as WorkflowDocument, baseVersionId: d.baseVersionId })}>
          Recover
        </button>
        <button type="button" disabled={discard.isPending} onClick={() => discard.mutate({ workflowId })}>
          Discard
        </button>
      </span>
    </div>
  );
}
