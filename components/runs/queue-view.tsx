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
  const servers = queue.data?.servers ?? [];
  const several = servers.length > 1;
  // Prompts on a server that are not one of our runs there: other clients' work ahead of (or after) ours.
  const foreignOn = (server: (typeof servers)[number]) =>
    server.comfy ? server.comfy.pending.length + server.comfy.running.length - runs.filter((r) => r.promptId && r.serverUrl === server.url).length : 0;
  return (
    <section aria-label="Queue" data-testid="queue-view" className="queue-view">
      <h2>Queue</h2>
      {servers
        .filter((server) => server.problem)
        .map((server) => (
          <p key={server.url} className="error-text" data-testid="queue-server-problem">
            {several ? `${server.name ?? server.url}: ` : ""}
            {server.problem}
          </p>
        ))}
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
                {several ? `${servers.find((s) => s.url === r.serverUrl)?.name ?? r.serverUrl} · ` : ""}
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
      {servers.map((server) => {
        const foreign = foreignOn(server);
        return foreign > 0 ? (
          <p key={server.url} className="muted">
            {foreign} more prompt{foreign === 1 ? "" : "s"} on ComfyUI{several ? ` at ${server.name ?? server.url}` : ""} from other clients.
          </p>
        ) : null;
      })}
      <ErrorText error={cancel.error} />
    </section>
  );
}
