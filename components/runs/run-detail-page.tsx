"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { formatDuration } from "./run-state";
import { NodeRunBadge } from "./node-run-badge";
import { RunPanel } from "./run-panel";
import { useRun } from "./use-run";
import styles from "./runs.module.css";

/** One run: live panel, per-node timings and states, the exact prompt sent, where it came from. */
export function RunDetailPage({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const controller = useRun({ runId });
  const prompt = useQuery(trpc.run.prompt.queryOptions({ runId }));
  const run = controller.run;
  // "Run again" starts a new run: show that one.
  useEffect(() => {
    if (controller.runId && controller.runId !== runId) router.push(`/runs/${controller.runId}`);
  }, [controller.runId, runId, router]);
  const nodes = run ? Object.entries(run.nodes).sort(([, a], [, b]) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity)) : [];
  return (
    <section className="page" style={{ maxWidth: 1100 }}>
      <div className="page-head">
        <h1>Run</h1>
        <Link href="/runs">All runs</Link>
      </div>
      <ErrorText error={prompt.error} />
      {run ? (
        <p className={`${styles.mono} muted`}>
          {run.workflowId ? (
            <>
              workflow <Link href={`/workflows/${run.workflowId}`}>{run.workflowId}</Link>
              {run.versionId !== null ? (
                <>
                  {" "}· <Link href={`/workflows/${run.workflowId}/history?version=${run.versionId}`}>version {run.versionId}</Link>
                </>
              ) : null}{" "}
              ·{" "}
            </>
          ) : null}
          {run.unsaved ? "unsaved draft · " : ""}document {run.documentHash.slice(0, 12)} · graph {run.graphHash.slice(0, 12)} · {run.serverUrl} · prompt {run.promptId ?? "–"}
          {run.rerunOf ? (
            <>
              {" "}· again of <Link href={`/runs/${run.rerunOf}`}>{run.rerunOf.slice(0, 8)}</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <RunPanel controller={controller} hideDetailsLink />
      {run ? (
        <>
          <h2>Nodes</h2>
          <table className={styles.table} data-testid="run-nodes">
            <thead>
              <tr>
                <th>Node</th>
                <th>Type</th>
                <th>State</th>
                <th>Took</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map(([id, node]) => (
                <tr key={id}>
                  <td className={styles.mono}>{id}</td>
                  <td>{run.nodeTypes[id] ?? ""}</td>
                  <td>
                    <NodeRunBadge mark={controller.marks[id]} />
                  </td>
                  <td>{node.state === "cached" ? "cached" : formatDuration(node.startedAt !== null && node.finishedAt !== null ? node.finishedAt - node.startedAt : null)}</td>
                  <td className="error-text">{controller.marks[id]?.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            Created {new Date(run.createdAt).toLocaleString()}
            {run.queuedAt ? ` · queued ${new Date(run.queuedAt).toLocaleTimeString()}` : ""}
            {run.startedAt ? ` · started ${new Date(run.startedAt).toLocaleTimeString()}` : ""}
            {run.finishedAt ? ` · finished ${new Date(run.finishedAt).toLocaleTimeString()}` : ""}
          </p>
        </>
      ) : null}
      <details>
        <summary>API prompt sent to ComfyUI</summary>
        <pre className={styles.prompt}>{prompt.data ? JSON.stringify(prompt.data, null, 2) : "…"}</pre>
      </details>
    </section>
  );
}
