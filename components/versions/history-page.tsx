"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { PublishForm } from "@/components/gallery/publish-form";
import { TemplateUpgrade } from "@/components/gallery/template-upgrade";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { DiffView } from "./diff-view";
import { HistoryPanel } from "./history-panel";
import styles from "./versions.module.css";

/** A workflow's full history beside the diff of the two versions picked. */
export function WorkflowHistoryPage({ workflowId, version }: { workflowId: string; version?: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const wf = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));
  const [picked, setPair] = useState<[number, number] | null>(null);
  // Arriving from a run's output (?version=N): show that version against the head until another pair is picked.
  const pair: [number, number] | null = picked ?? (version !== undefined && wf.data ? [version, wf.data.head.id] : null);
  const diff = useQuery(trpc.version.diff.queryOptions({ fromVersionId: pair?.[0] ?? 1, toVersionId: pair?.[1] ?? 1 }, { enabled: pair !== null }));
  return (
    <section className="page" style={{ maxWidth: 1200 }}>
      <div className="page-head">
        <h1>History{wf.data ? ` of ${wf.data.name}` : ""}</h1>
        <Link href={`/workflows/${workflowId}`}>Back to the editor</Link>
      </div>
      <ErrorText error={wf.error ?? diff.error} />
      {version !== undefined && picked === null ? (
        <p role="status" data-testid="linked-version">
          Version {version} is the exact version a run used{wf.data && wf.data.head.id !== version ? `; below, what changed from it to the head (version ${wf.data.head.id})` : "; it is the head"}.
        </p>
      ) : null}
      {wf.data ? <TemplateUpgrade workflowId={workflowId} headVersionId={wf.data.head.id} onUpgraded={() => setPair(null)} /> : null}
      <div className={styles.twoCols}>
        <HistoryPanel
          workflowId={workflowId}
          selected={pair ?? []}
          onOpenDiff={(a, b) => setPair([a, b])}
          onRestore={() => router.push(`/workflows/${workflowId}`)}
          onFork={(id) => router.push(`/workflows/${id}`)}
        />
        <div>
          <details style={{ marginBottom: 16 }}>
            <summary>Publish as a template…</summary>
            <PublishForm workflowId={workflowId} />
          </details>
          {pair && diff.data ? (
            <DiffView before={diff.data.before.document} after={diff.data.after.document} beforeLabel={`v${pair[0]}`} afterLabel={`v${pair[1]}`} />
          ) : (
            <p className="muted">Pick “Diff with head”, or “Compare” on two versions, to see what changed.</p>
          )}
        </div>
      </div>
    </section>
  );
}
