"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import type { WorkflowDocument } from "@/lib/graph/model";
import { DiffView } from "./diff-view";
import styles from "./versions.module.css";

export type ConflictDialogProps = {
  workflowId: string;
  /** The version the person started from (their save's baseVersionId). */
  baseVersionId: number;
  /** The person's unsaved document. */
  document: WorkflowDocument;
  author?: string;
  /** Rebase merged cleanly: load `document` into the editor with `headVersionId` as its new base, then save. */
  onRebased: (result: { document: WorkflowDocument; headVersionId: number }) => void;
  /** The changes were saved as a new workflow: navigate to it. */
  onBranched: (workflowId: string) => void;
  onClose: () => void;
};

/**
 * Shown when a save comes back CONFLICT: someone saved in between. Offers to
 * view what they changed against what you changed, replay your changes on
 * their version (rebase), or keep yours as a branch. Never overwrites.
 */
export function ConflictDialog({ workflowId, baseVersionId, document, author, onRebased, onBranched, onClose }: ConflictDialogProps) {
  const trpc = useTRPC();
  const [showDiff, setShowDiff] = useState(false);
  const head = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }, { staleTime: 0 }));
  const rebase = useMutation(
    trpc.version.rebase.mutationOptions({
      onSuccess: (r) => {
        if (r.ok) onRebased({ document: r.document, headVersionId: r.headVersionId });
      },
    }),
  );
  const branch = useMutation(trpc.version.saveAsBranch.mutationOptions({ onSuccess: (wf) => onBranched(wf.id) }));
  const conflicts = rebase.data && !rebase.data.ok ? rebase.data.conflicts : [];

  return (
    <div className={styles.overlay} role="dialog" aria-modal="true" aria-labelledby="conflict-title" data-testid="conflict-dialog">
      <div className={styles.dialog}>
        <h2 id="conflict-title">Someone saved this workflow while you were editing</h2>
        <p className="muted">
          You started from version {baseVersionId}; the head is now {head.data ? `version ${head.data.head.id}` : "…"}
          {head.data?.head.author ? ` (by ${head.data.head.author})` : ""}. Nothing has been overwritten.
        </p>
        <div className={styles.buttons}>
          <button type="button" onClick={() => setShowDiff((s) => !s)} disabled={!head.data}>
            {showDiff ? "Hide diff" : "View diff"}
          </button>
          <button type="button" className="primary" disabled={rebase.isPending} onClick={() => rebase.mutate({ workflowId, baseVersionId, document })}>
            Rebase my changes
          </button>
          <button type="button" disabled={branch.isPending} onClick={() => branch.mutate({ workflowId, baseVersionId, document, author })}>
            Save as a branch
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
        <ErrorText error={head.error ?? rebase.error ?? branch.error} />
        {conflicts.length > 0 ? (
          <div data-testid="rebase-conflicts">
            <p>These changes of yours collide with the saved version; edit them by hand or save as a branch:</p>
            <ul className={styles.conflicts}>
              {conflicts.map((c, i) => (
                <li key={i}>{c.message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {showDiff && head.data ? <DiffView before={head.data.document} after={document} beforeLabel={`saved version ${head.data.head.id}`} afterLabel="your changes" /> : null}
      </div>
    </div>
  );
}
