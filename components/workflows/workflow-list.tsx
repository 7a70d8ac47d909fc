"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";

function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The home page: saved workflows, newest first, and a way to start a new one. */
export function WorkflowList() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.workflow.list.queryOptions());
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.workflow.create.mutationOptions({
      onSuccess: async (wf) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
        router.push(`/workflows/${wf.id}`);
      },
    }),
  );

  return (
    <section className="page">
      <div className="page-head">
        <h1>Workflows</h1>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: name.trim() || "Untitled workflow" });
          }}
        >
          <input aria-label="New workflow name" placeholder="Untitled workflow" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "New workflow"}
          </button>
        </form>
      </div>
      <ErrorText error={create.error} />
      <ErrorText error={list.error} />
      {list.isPending ? (
        <p className="muted">Loading…</p>
      ) : list.data && list.data.length === 0 ? (
        <p className="muted empty">No workflows yet. Start one with “New workflow”: it opens with a text-to-image graph you can change.</p>
      ) : (
        <ul className="workflow-list" data-testid="workflow-list">
          {list.data?.map((wf) => (
            <li key={wf.id}>
              <Link href={`/workflows/${wf.id}`} className="workflow-link">
                <span className="workflow-name">{wf.name}</span>
                <span className="muted">
                  {wf.nodeCount} nodes · saved {formatTime(wf.updatedAt)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
