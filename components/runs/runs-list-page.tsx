"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import type { RunStatus, RunView } from "@/lib/runs";
import { QueueView } from "./queue-view";
import { formatDuration, STATUS_LABELS, statusTone } from "./run-state";
import styles from "./runs.module.css";
import { ServerName } from "./server-name";

const STATUSES = Object.keys(STATUS_LABELS) as RunStatus[];

function versionHref(run: RunView): string | null {
  if (!run.workflowId) return null;
  return run.versionId !== null ? `/workflows/${run.workflowId}/history?version=${run.versionId}` : `/workflows/${run.workflowId}`;
}

/** Every run, newest first, filterable by workflow and status; each output traces to the version that made it. */
export function RunsListPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const [workflowId, setWorkflowId] = useState("");
  const [status, setStatus] = useState<RunStatus | "">("");
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const before = pages.at(-1);
  const workflows = useQuery(trpc.workflow.list.queryOptions());
  const list = useQuery(
    trpc.run.list.queryOptions({ workflowId: workflowId || undefined, status: status ? [status] : undefined, before, limit: 30 }, { refetchInterval: 3_000 }),
  );
  const rerun = useMutation(trpc.run.rerun.mutationOptions({ onSuccess: (run) => router.push(`/runs/${run.id}`) }));
  const names = new Map((workflows.data ?? []).map((w) => [w.id, w.name]));
  const reset = () => setPages([undefined]);
  return (
    <section className="page" style={{ maxWidth: 1200 }}>
      <div className="page-head">
        <h1>Runs</h1>
      </div>
      <QueueView />
      <div className={styles.filters}>
        <label>
          Workflow{" "}
          <select value={workflowId} onChange={(e) => (setWorkflowId(e.target.value), reset())} data-testid="runs-filter-workflow">
            <option value="">all</option>
            {(workflows.data ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => (setStatus(e.target.value as RunStatus | ""), reset())} data-testid="runs-filter-status">
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={list.error ?? rerun.error} />
      {list.data && list.data.runs.length === 0 ? <p className="muted">No runs{workflowId || status ? " match these filters" : " yet"}.</p> : null}
      <table className={styles.table} data-testid="runs-table">
        <thead>
          <tr>
            <th>Outputs</th>
            <th>Status</th>
            <th>Workflow / version</th>
            <th>Server</th>
            <th>When</th>
            <th>Took</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.runs ?? []).map((run) => {
            const href = versionHref(run);
            return (
              <tr key={run.id} data-testid="run-row" data-status={run.status}>
                <td>
                  <span style={{ display: "flex", gap: 4, flexWrap: "wrap" }}>
                    {run.outputs.filter((o) => o.url && o.media === "image").slice(0, 3).map((o) => (
                      <Link key={o.index} href={href ?? `/runs/${run.id}`} title={`Made by ${run.unsaved ? "an unsaved draft" : `version ${run.versionId}`}`}>
                        {/* eslint-disable-next-line @next/next/no-img-element -- thumbnails from our own file route */}
                        <img className={styles.thumb} src={o.url!} alt={o.filename} loading="lazy" />
                      </Link>
                    ))}
                  </span>
                </td>
                <td className={styles[`tone-${statusTone(run.status)}`]}>
                  <Link href={`/runs/${run.id}`}>{STATUS_LABELS[run.status]}</Link>
                </td>
                <td>
                  {run.workflowId ? <Link href={`/workflows/${run.workflowId}`}>{names.get(run.workflowId) ?? run.workflowId}</Link> : <span className="muted">no workflow</span>}
                  <div className={`${styles.mono} muted`}>
                    {run.unsaved ? "unsaved draft" : href ? <Link href={href}>version {run.versionId}</Link> : null} · {run.graphHash.slice(0, 10)}
                  </div>
                </td>
                <td className={styles.mono} data-testid="run-row-server">
                  <ServerName url={run.serverUrl} />
                </td>
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td>{formatDuration(run.startedAt !== null && run.finishedAt !== null ? run.finishedAt - run.startedAt : null)}</td>
                <td>
                  <button type="button" onClick={() => rerun.mutate({ runId: run.id })} disabled={rerun.isPending}>
                    Run again
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className={styles.filters}>
        {pages.length > 1 ? (
          <button type="button" onClick={() => setPages((p) => p.slice(0, -1))}>
            Newer
          </button>
        ) : null}
        {list.data?.nextBefore ? (
          <button type="button" onClick={() => setPages((p) => [...p, list.data!.nextBefore!])}>
            Older
          </button>
        ) : null}
      </div>
    </section>
  );
}
