"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import type { TemplateParameter } from "@/lib/semver";
import { inferRequiredModels, listExposableInputs } from "@/lib/templates/suggest";
import type { MediaType } from "@/lib/templates/schema";
import styles from "./gallery.module.css";

function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "my-template"
  );
}

const MEDIA: MediaType[] = ["image", "video", "audio", "3d", "text"];

export type PublishFormProps = {
  workflowId: string;
  /** Node definitions for typing parameters (a server's catalogue when connected); the bundled one by default. */
  catalogue?: NodeCatalogue;
  onPublished?: (result: { templateId: string; version: string }) => void;
};

/**
 * Publishes a workflow's head as a template (or as the next version of the
 * template it came from): pick the inputs to expose, name them, say what
 * changed. The version is inferred from the interface diff unless given; the
 * server refuses a bump too small for the diff and says why.
 */
export function PublishForm({ workflowId, catalogue = BUNDLED_CATALOGUE, onPublished }: PublishFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const wf = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));
  const origin = wf.data?.template ?? null;
  const template = useQuery(trpc.template.get.queryOptions({ id: origin?.id ?? "" }, { enabled: origin !== null }));
  const doc = wf.data?.document as WorkflowDocument | undefined;
  const inputs = useMemo(() => (doc ? listExposableInputs(doc, catalogue) : []), [doc, catalogue]);
  const latest = template.data?.versions[0];
  // Pre-select what the template already exposes, under the names callers know.
  const initial = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of latest?.interface.parameters ?? []) m.set(`${p.target.nodeId}\u0000${p.target.input}`, p.name);
    return m;
  }, [latest]);
  const [chosen, setChosen] = useState<Map<string, string> | null>(null);
  const picked = chosen ?? initial;
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [version, setVersion] = useState("");
  const [changelog, setChangelog] = useState("");
  const [category, setCategory] = useState<string | null>(null);
  const [media, setMedia] = useState<MediaType | null>(null);
  const [vram, setVram] = useState<number | null>(null);
  const publish = useMutation(
    trpc.template.publish.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.template.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.get.queryKey({ id: workflowId }) });
        onPublished?.({ templateId: r.templateId, version: r.version });
      },
    }),
  );
  if (!wf.data || !doc) return <ErrorText error={wf.error} />;

  // Built-in templates only change with Atelier itself: a workflow made from one is published as a new template.
  const ownOrigin = origin !== null && template.data !== undefined && !template.data.builtin;
  const id = templateId ?? (ownOrigin ? origin.id : slugify(wf.data.name));
  const key = (nodeId: string, input: string) => `${nodeId}\u0000${input}`;
  const parameters: TemplateParameter[] = inputs
    .filter((i) => picked.has(key(i.nodeId, i.input)))
    .map((i) => {
      const kept = latest?.interface.parameters.find((p) => p.target.nodeId === i.nodeId && p.target.input === i.input);
      return { ...(kept ?? i.suggestion), name: picked.get(key(i.nodeId, i.input)) || i.suggestion.name, default: i.value };
    });
  const outputs = doc.graph.nodes
    .filter((n) => n.type === "SaveImage" || n.type === "PreviewImage")
    .map((n, idx) => ({ name: idx === 0 ? "images" : `images_${idx + 1}`, nodeId: n.id, type: "IMAGE" }));
  const meta = latest?.metadata;

  return (
    <form
      className={styles.versionRow}
      data-testid="publish-form"
      onSubmit={(e) => {
        e.preventDefault();
        publish.mutate({
          templateId: id,
          workflowId,
          version: version.trim() || undefined,
          changelog,
          interface: { parameters, outputs },
          metadata: {
            title: meta?.title ?? wf.data.name,
            description: meta?.description ?? doc.metadata.description ?? "",
            category: category ?? meta?.category ?? "Mine",
            tags: meta?.tags ?? [],
            mediaType: media ?? (meta?.mediaType as MediaType | undefined) ?? "image",
            requiredNodes: [...new Set(doc.graph.nodes.map((n) => n.type))].sort(),
            requiredModels: inferRequiredModels(doc),
            minVramGb: vram ?? meta?.minVramGb ?? 4,
          },
        });
      }}
    >
      <strong>{ownOrigin ? `Publish a new version of ${origin.id} (now at ${latest?.version ?? origin.version})` : "Publish as a new template"}</strong>
      {origin && !ownOrigin ? <span className={styles.small}>Made from the built-in {origin.id}: its exposed inputs are preselected.</span> : null}
      <div className={styles.compare}>
        <label>
          Template id <input aria-label="Template id" value={id} onChange={(e) => setTemplateId(e.target.value)} disabled={ownOrigin} />
        </label>
        <label>
          Version <input aria-label="Version" placeholder="inferred" value={version} onChange={(e) => setVersion(e.target.value)} size={10} />
        </label>
        <label>
          Category <input aria-label="Category" value={category ?? meta?.category ?? "Mine"} onChange={(e) => setCategory(e.target.value)} size={10} />
        </label>
        <select aria-label="Media type" value={media ?? meta?.mediaType ?? "image"} onChange={(e) => setMedia(e.target.value as MediaType)}>
          {MEDIA.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <label>
          Min VRAM (GB) <input aria-label="Minimum VRAM" type="number" min={0} step={1} value={vram ?? meta?.minVramGb ?? 4} onChange={(e) => setVram(Number(e.target.value))} style={{ width: 64 }} />
        </label>
      </div>
      <fieldset style={{ border: "1px solid var(--border)", borderRadius: 6, maxHeight: 260, overflow: "auto" }}>
        <legend className={styles.small}>Expose as parameters</legend>
        {inputs.map((i) => {
          const k = key(i.nodeId, i.input);
          const on = picked.has(k);
          return (
            <div key={k} className={styles.small} style={{ display: "flex", gap: 6, alignItems: "center" }}>
              <input
                type="checkbox"
                aria-label={`Expose ${i.nodeLabel} ${i.input}`}
                checked={on}
                onChange={() => {
                  const next = new Map(picked);
                  if (on) next.delete(k);
                  else next.set(k, i.suggestion.name);
                  setChosen(next);
                }}
              />
              <span style={{ minWidth: 180 }}>
                {i.nodeLabel} · {i.input}
              </span>
              {on ? (
                <input
                  aria-label={`Parameter name for ${i.nodeLabel} ${i.input}`}
                  value={picked.get(k) ?? ""}
                  onChange={(e) => setChosen(new Map(picked).set(k, e.target.value))}
                  size={16}
                />
              ) : (
                <span className={styles.version}>{JSON.stringify(i.value).slice(0, 40)}</span>
              )}
            </div>
          );
        })}
      </fieldset>
      <textarea aria-label="Changelog" placeholder="What changed, for someone using this template" value={changelog} onChange={(e) => setChangelog(e.target.value)} rows={3} />
      <ErrorText error={publish.error} />
      {publish.data ? (
        <p role="status" className={styles.small}>
          Published {publish.data.templateId}@{publish.data.version}
          {publish.data.required ? ` (the interface change needed at least a ${publish.data.required} bump)` : ""}.
        </p>
      ) : null}
      <div>
        <button type="submit" className="primary" disabled={publish.isPending || changelog.trim() === ""}>
          Publish
        </button>
      </div>
    </form>
  );
}
