"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { memo, useEffect, useMemo } from "react";
import type { NodeRunState, RunView } from "@/lib/runs";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { formatDuration, type NodeRunMark } from "./run-state";
import { NodeRunBadge } from "./node-run-badge";
import { RunPanel } from "./run-panel";
import { useRun } from "./use-run";
import styles from "./runs.module.css";
import { ServerName } from "./server-name";

// A sampler step changes one node of the run many times a second: everything
// below is memoized on what it shows, so a step re-renders the panel and one row.

/** A workflow's name (from the list the runs page also reads), its id until the list is here or if it was deleted. */
function WorkflowName({ id }: { id: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.workflow.list.queryOptions(undefined, { staleTime: 60_000 }));
  return <>{list.data?.find((w) => w.id === id)?.name ?? id}</>;
}

/** Where the run came from: workflow, version, hashes, server, prompt id. */
const RunSource = memo(function RunSource(run: Pick<RunView, "workflowId" | "versionId" | "unsaved" | "documentHash" | "graphHash" | "serverUrl" | "promptId" | "rerunOf">) {
  return (
    <p className={`${styles.mono} muted`}>
      {run.workflowId ? (
        <>
          workflow{" "}
          <Link href={`/workflows/${run.workflowId}`}>
            <WorkflowName id={run.workflowId} />
          </Link>
          {run.versionId !== null ? (
            <>
              {" "}· <Link href={`/workflows/${run.workflowId}/history?version=${run.versionId}`}>version {run.versionId}</Link>
            </>
          ) : null}{" "}
          ·{" "}
        </>
      ) : null}
      {run.unsaved ? "unsaved draft · " : ""}document {run.documentHash.slice(0, 12)} · graph {run.graphHash.slice(0, 12)} · <ServerName url={run.serverUrl} /> · prompt {run.promptId ?? "–"}
      {run.rerunOf ? (
        <>
          {" "}· again of <Link href={`/runs/${run.rerunOf}`}>{run.rerunOf.slice(0, 8)}</Link>
        </>
      ) : null}
    </p>
  );
});

const NodeRow = memo(function NodeRow({ id, type, node, mark }: { id: string; type: string; node: NodeRunState; mark: NodeRunMark | undefined }) {
  return (
    <tr>
      <td className={styles.mono}>{id}</td>
      <td>{type}</td>
      <td>
        <NodeRunBadge mark={mark} />
      </td>
      <td>{node.state === "cached" ? "cached" : formatDuration(node.startedAt !== null && node.finishedAt !== null ? node.finishedAt - node.startedAt : null)}</td>
      <td className="error-text">{mark?.message ?? ""}</td>
    </tr>
  );
});

const RunTimes = memo(function RunTimes({ createdAt, queuedAt, startedAt, finishedAt }: Pick<RunView, "createdAt" | "queuedAt" | "startedAt" | "finishedAt">) {
  return (
    <p className="muted">
      Created {new Date(createdAt).toLocaleString()}
      {queuedAt ? ` · queued ${new Date(queuedAt).toLocaleTimeString()}` : ""}
      {startedAt ? ` · started ${new Date(startedAt).toLocaleTimeString()}` : ""}
      {finishedAt ? ` · finished ${new Date(finishedAt).toLocaleTimeString()}` : ""}
    </p>
  );
});

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
  const runNodes = run?.nodes;
  const nodes = useMemo(() => (runNodes ? Object.entries(runNodes).sort(([, a], [, b]) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity)) : []), [runNodes]);
  const promptText = useMemo(() => (prompt.data ? JSON.stringify(prompt.data, null, 2) : "…"), [prompt.data]);
  return (
    <section className="page" style={{ maxWidth: 1100 }}>
      <div className="page-head">
        <h1>Run</h1>
        <Link href="/runs">All runs</Link>
      </div>
      <ErrorText error={prompt.error} />
      {run ? (
        <RunSource
          workflowId={run.workflowId}
          versionId={run.versionId}
          unsaved={run.unsaved}
          documentHash={run.documentHash}
          graphHash={run.graphHash}
          serverUrl={run.serverUrl}
          promptId={run.promptId}
          rerunOf={run.rerunOf}
        />
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
                <NodeRow key={id} id={id} type={run.nodeTypes[id] ?? ""} node={node} mark={controller.marks[id]} />
              ))}
            </tbody>
          </table>
          <RunTimes createdAt={run.createdAt} queuedAt={run.queuedAt} startedAt={run.startedAt} finishedAt={run.finishedAt} />
        </>
      ) : null}
      <details>
        <summary>API prompt sent to ComfyUI</summary>
        <pre className={styles.prompt}>{promptText}</pre>
      </details>
    </section>
  );
}
