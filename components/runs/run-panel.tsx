"use client";

import Link from "next/link";
import { useState } from "react";
import { formatDuration, STATUS_LABELS, statusTone } from "./run-state";
import { RunOutputs } from "./run-outputs";
import type { UseRunResult } from "./use-run";
import styles from "./runs.module.css";
import { ServerName } from "./server-name";

export interface RunPanelProps {
  /** From `useRun()`. */
  controller: UseRunResult;
  /** Called when a problem's node is clicked (select / centre it on the canvas). */
  onSelectNode?: (nodeId: string) => void;
  /** Hide the link to the run page (on the run page itself). */
  hideDetailsLink?: boolean;
}

/** The current run: status, progress, queue position, outputs, errors mapped to nodes, cancel and "Run again". */
export function RunPanel({ controller, onSelectNode, hideDetailsLink }: RunPanelProps) {
  const { run, progress, preview, active, starting, error } = controller;
  const [showTrace, setShowTrace] = useState(false);
  if (!run) {
    return (
      <section className={styles.panel} data-testid="run-panel">
        <span className="muted">{starting ? "Sending the workflow to ComfyUI…" : "Not run yet."}</span>
        {error ? <p role="alert" className="error-text">{error}</p> : null}
      </section>
    );
  }
  const nodeLink = (nodeId: string | null, label?: string) =>
    nodeId && onSelectNode ? (
      <button type="button" onClick={() => onSelectNode(nodeId)}>
        {label ?? `node ${nodeId}`}
      </button>
    ) : null;
  const elapsed = run.startedAt !== null && run.finishedAt !== null ? run.finishedAt - run.startedAt : null;
  return (
    <section className={styles.panel} data-testid="run-panel" data-status={run.status}>
      <div className={styles.head}>
        <span className={`${styles.status} ${styles[`tone-${statusTone(run.status)}`]}`} data-testid="run-status">
          {STATUS_LABELS[run.status]}
          {run.status === "queued" && run.queuePosition !== null ? ` (position ${run.queuePosition + 1})` : ""}
        </span>
        <span className={styles.buttons}>
          {active ? (
            <button type="button" onClick={() => void controller.cancel()} disabled={run.status === "pending"}>
              Cancel
            </button>
          ) : (
            <button type="button" onClick={() => void controller.rerun()} disabled={starting}>
              Run again
            </button>
          )}
        </span>
      </div>
      <div className={styles.bar} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
        <div className={styles.fill} style={{ transform: `scaleX(${progress})` }} />
      </div>
      <div className={styles.meta}>
        <span>{Math.round(progress * 100)}%</span>
        {elapsed !== null ? <span>{formatDuration(elapsed)}</span> : null}
        {run.cachedNodes.length > 0 ? <span>{run.cachedNodes.length} cached</span> : null}
        {run.unsaved ? <span>unsaved draft</span> : run.versionId !== null ? <span>version {run.versionId}</span> : null}
        <span data-testid="run-server" title="The ComfyUI server this run went to">
          on <ServerName url={run.serverUrl} />
        </span>
        {/* No prefetch: it would have the server render the run page just as the run starts, delaying its POST /prompt. */}
        {hideDetailsLink ? null : (
          <Link href={`/runs/${run.id}`} prefetch={false}>
            details
          </Link>
        )}
      </div>
      {error ? <p role="alert" className="error-text">{error}</p> : null}
      {run.detail ? <p className="muted">{run.detail}</p> : null}
      {run.rejection ? (
        <ul className={styles.problems} data-testid="run-problems">
          {run.rejection.issues.length === 0 ? <li>{run.rejection.message}</li> : null}
          {run.rejection.issues.map((issue, i) => (
            <li key={i}>
              {issue.message}
              {nodeLink(issue.nodeId, "show")}
            </li>
          ))}
        </ul>
      ) : null}
      {run.error ? (
        <div data-testid="run-error">
          <p className="error-text">
            Node {run.error.nodeId ?? "?"} ({run.error.nodeType ?? "?"}) raised {run.error.exceptionType}: {run.error.message}
            {nodeLink(run.error.nodeId, "show")}
          </p>
          {run.error.traceback.length > 0 ? (
            <button type="button" onClick={() => setShowTrace((v) => !v)}>
              {showTrace ? "Hide" : "Show"} traceback
            </button>
          ) : null}
          {showTrace ? <pre className={styles.traceback}>{run.error.traceback.join("")}</pre> : null}
        </div>
      ) : null}
      {active && preview ? (
        // eslint-disable-next-line @next/next/no-img-element -- a data: URL preview frame
        <img src={preview.src} alt="preview" style={{ maxWidth: 160, borderRadius: 6 }} />
      ) : null}
      <RunOutputs outputs={run.outputs} />
    </section>
  );
}
