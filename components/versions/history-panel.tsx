"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import styles from "./versions.module.css";

function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export type HistoryPanelProps = {
  workflowId: string;
  /** Called after a restore made a new head (reload the editor from it). */
  onRestore?: (result: { versionId: number; created: boolean }) => void;
  /** Called with two version ids to compare (older first). */
  onOpenDiff?: (fromVersionId: number, toVersionId: number) => void;
  /** Called after a fork created a new workflow (navigate to it). */
  onFork?: (workflowId: string) => void;
  /** Author label recorded on restores and forks. */
  author?: string;
  /** Version ids to mark as selected (e.g. the two being compared). */
  selected?: readonly number[];
};

/**
 * A workflow's history, newest first: message, author, time, hash prefix,
 * layout-only and head badges, runs that used each version, and where the
 * chain branches (a version whose parent is not the row below it).
 */
export function HistoryPanel({ workflowId, onRestore, onOpenDiff, onFork, author, selected = [] }: HistoryPanelProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [limit, setLimit] = useState(50);
  const [pick, setPick] = useState<number | null>(null);
  const history = useQuery(trpc.version.history.queryOptions({ workflowId, limit }));
  const invalidate = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.version.history.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.workflow.get.queryKey({ id: workflowId }) })]);
  const restore = useMutation(
    trpc.version.restore.mutationOptions({
      onSuccess: async (r) => {
        await invalidate();
        onRestore?.({ versionId: r.version.id, created: r.created });
      },
    }),
  );
  const fork = useMutation(trpc.version.fork.mutationOptions({ onSuccess: (wf) => onFork?.(wf.id) }));

  const entries = history.data?.entries ?? [];
  const headId = entries.find((e) => e.isHead)?.id;
  return (
    <section className={styles.panel} aria-label="History" data-testid="history-panel">
      <ErrorText error={history.error ?? restore.error ?? fork.error} />
      {history.isPending ? <p className="muted">Loading history…</p> : null}
      {history.data ? (
        <p className="muted">
          {history.data.total} version{history.data.total === 1 ? "" : "s"}
          {onOpenDiff ? " · pick two with “Compare” to see what changed" : ""}
        </p>
      ) : null}
      <ol className={styles.list}>
        {entries.map((v, i) => {
          const below = entries[i + 1];
          const branches = v.parentId !== null && below !== undefined && v.parentId !== below.id;
          const rowClass = [styles.row, v.isHead ? styles.head : "", selected.includes(v.id) || pick === v.id ? styles.selected : ""].join(" ");
          return (
            <li key={v.id} className={rowClass} data-testid="history-row" data-version-id={v.id}>
              <span className={`${styles.dot} ${v.layoutOnly ? styles.dotLayout : ""}`} aria-hidden />
              <div>
                <div className={styles.message}>{v.message || <span className="muted">(no message)</span>}</div>
                <div className={styles.meta}>
                  <span>v{v.id}</span>
                  <span className={styles.hash} title={`semantic hash ${v.graphHash}\ndocument ${v.documentHash}`}>
                    {v.graphHash.slice(0, 8)}
                  </span>
                  <span>{formatTime(v.createdAt)}</span>
                  {v.author ? <span>by {v.author}</span> : null}
                  <span title="Runs that used this version">{v.runCount === null ? "runs: —" : `${v.runCount} run${v.runCount === 1 ? "" : "s"}`}</span>
                  {v.isHead ? <span className={`${styles.badge} ${styles.badgeHead}`}>head</span> : null}
                  {v.layoutOnly ? <span className={styles.badge}>layout only</span> : null}
                </div>
                {branches ? <div className={styles.branch}>↳ based on v{v.parentId}</div> : null}
              </div>
              <div className={styles.actions}>
                {!v.isHead ? (
                  <button type="button" disabled={restore.isPending} onClick={() => restore.mutate({ workflowId, versionId: v.id, author })}>
                    Restore
                  </button>
                ) : null}
                <button type="button" disabled={fork.isPending} onClick={() => fork.mutate({ versionId: v.id, author })}>
                  Fork
                </button>
                {onOpenDiff && headId !== undefined && !v.isHead ? (
                  <button type="button" onClick={() => onOpenDiff(v.id, headId)}>
                    Diff with head
                  </button>
                ) : null}
                {onOpenDiff ? (
                  <button
                    type="button"
                    aria-pressed={pick === v.id}
                    onClick={() => {
                      if (pick === null) setPick(v.id);
                      else if (pick === v.id) setPick(null);
                      else {
                        onOpenDiff(Math.min(pick, v.id), Math.max(pick, v.id));
                        setPick(null);
                      }
                    }}
                  >
                    {pick === v.id ? "Picked" : pick === null ? "Compare" : "…with this"}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {history.data?.nextBefore !== null && history.data !== undefined ? (
        <button type="button" onClick={() => setLimit((l) => Math.min(l + 100, 500))} disabled={limit >= 500}>
          {limit >= 500 ? "Showing the newest 500" : "Show older versions"}
        </button>
      ) : null}
    </section>
  );
}
