"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import styles from "./gallery.module.css";

export type TemplateUpgradeProps = {
  workflowId: string;
  /** The head the editor holds; the upgrade is saved on it like any save (a moved head is a CONFLICT). */
  headVersionId: number;
  author?: string;
  /** Called after the upgrade saved a new head (reload the editor from it). */
  onUpgraded?: (result: { versionId: number; from: string; to: string }) => void;
};

/**
 * For a workflow made from a template: which version it follows, the newer
 * versions, and before upgrading, what will carry over (the person's
 * parameter values, through renames) and what cannot (removed parameters,
 * refused values, edits outside the parameters).
 */
export function TemplateUpgrade({ workflowId, headVersionId, author, onUpgraded }: TemplateUpgradeProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const wf = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));
  const templateId = wf.data?.template?.id;
  const template = useQuery(trpc.template.get.queryOptions({ id: templateId ?? "" }, { enabled: templateId !== undefined }));
  const [target, setTarget] = useState<string | null>(null);
  const newer = (template.data?.versions ?? []).filter((v) => v.version !== wf.data?.template?.version).map((v) => v.version);
  const to = target ?? newer[0] ?? null;
  const plan = useQuery(trpc.template.planUpgrade.queryOptions({ workflowId, toVersion: to ?? undefined }, { enabled: to !== null && templateId !== undefined }));
  const upgrade = useMutation(
    trpc.template.upgrade.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.get.queryKey({ id: workflowId }) });
        await queryClient.invalidateQueries({ queryKey: trpc.version.history.queryKey() });
        setTarget(null);
        onUpgraded?.({ versionId: r.version.id, from: r.from, to: r.to });
      },
    }),
  );
  if (!wf.data?.template) return null;
  const current = wf.data.template;
  return (
    <section data-testid="template-upgrade" className={styles.versionRow}>
      <div>
        Made from <strong>{current.id}</strong> <span className={styles.version}>v{current.version}</span>
      </div>
      <ErrorText error={template.error ?? plan.error ?? upgrade.error} />
      {upgrade.data ? (
        <p role="status" className={styles.small}>
          Upgraded {upgrade.data.from} → {upgrade.data.to}
          {upgrade.data.created ? ` as version v${upgrade.data.version.id}.` : ": the graph with your values was already identical, so no new version was needed."}
        </p>
      ) : null}
      {newer.length === 0 ? (
        <p className={styles.small}>No other version to move to.</p>
      ) : (
        <>
          <label className={styles.small}>
            Move to{" "}
            <select aria-label="Template version" value={to ?? ""} onChange={(e) => setTarget(e.target.value)}>
              {newer.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </label>
          {plan.data ? (
            <div className={styles.small}>
              {plan.data.carried.length > 0 ? (
                <p>
                  Keeps your values:{" "}
                  {plan.data.carried.map((c) => `${c.from ? `${c.from} → ` : ""}${c.parameter} = ${JSON.stringify(c.value)}`).join(", ")}
                </p>
              ) : (
                <p>You changed no parameter from its default; the new version&apos;s defaults apply.</p>
              )}
              {plan.data.notCarried.length > 0 ? (
                <ul className={styles.params} data-testid="upgrade-not-carried">
                  {plan.data.notCarried.map((n, i) => (
                    <li key={i}>{n.message}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <button type="button" disabled={!plan.data || upgrade.isPending} onClick={() => to && upgrade.mutate({ workflowId, toVersion: to, baseVersionId: headVersionId, author })}>
            Upgrade to {to}
          </button>
        </>
      )}
    </section>
  );
}
