"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { STATUS_LABELS } from "./run-state";

/** Every run Atelier has queued or running on ComfyUI, across workflows, with cancel; refreshed every two seconds. */
export function QueueView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queue = useQuery(trpc.run.queue.queryOptions(undefined, { refetchInterval: 2_000 }));
  const cancel = useMutation(trpc.run.cancel.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.run.queue.queryKey() }) }));
  const runs = queue.data?.runs ?? [];
  const foreign = queue.data?.comfy ? queue.data.comfy.pending.length + queue.data.comfy.running.length - runs.filter((r) => r.promptId).length : 0;
  return (
    <section aria-label="Queue" data-testid="queue-view" className="queue-view">
      <h2>Queue</h2>
      {queue.data?.problem && <p className="error-text">{queue.data.problem}</p>}
      {runs.length === 0 ? (
        <p className="muted">Nothing queued or running.</p>
      ) : (
        <ul className="queue-list">
          {runs.map((r) => (
            <li key={r.id}>
              <Link href={`/runs/${r.id}`}>Run {r.id.slice(0, 8)}</Link>
              {r.workflowId && (
                <Link href={`/workflows/${r.workflowId}`} className="muted">
                  {r.versionId !== null ? `version ${r.versionId}` : "unsaved draft"}
                </Link>
              )}
              <span className="muted">
                {STATUS_LABELS[r.status]}
                {r.queuePosition !== null ? ` · position ${r.queuePosition}` : ""}
              </span>
              <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate({ runId: r.id })}>
                Cancel
              </button>
            </li>
          ))}
        </ul>
      )}
      {foreign > 0 && <p className="muted">{foreign} more prompt{foreign === 1 ? "" : "s"} on ComfyUI from other clients.</p>}
      <ErrorText error={cancel.error} />
    </section>
  );
}
