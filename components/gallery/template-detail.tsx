"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useRunServerChoice } from "@/components/editor/server-picker";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import { DiffList } from "@/components/versions/diff-list";
import type { DocumentDiff } from "@/lib/graph/diff";
import styles from "./gallery.module.css";
import { Shortfall } from "./shortfall";
import { TemplateThumbnail } from "./thumbnail";

function labelOf(data: { before: { graph: { nodes: { id: string; type: string; title?: string }[] } }; after: { graph: { nodes: { id: string; type: string; title?: string }[] } } }, id: string): string | undefined {
  const n = data.after.graph.nodes.find((x) => x.id === id) ?? data.before.graph.nodes.find((x) => x.id === id);
  return n ? `#${id} ${n.title ?? n.type}` : undefined;
}

/** One template: every version with its changelog and interface, a diff between any two versions, and "Use" for any version. */
export function TemplateDetail({ templateId }: { templateId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const t = useQuery(trpc.template.get.queryOptions({ id: templateId }));
  // Every version checked against the ComfyUI this browser's Run goes to: what each needs that it lacks.
  const runServer = useRunServerChoice();
  const requirements = useQuery(trpc.template.requirements.queryOptions({ id: templateId, serverUrl: runServer.requestUrl }, { staleTime: 60_000, enabled: runServer.url !== null }));
  const versions = t.data?.versions ?? [];
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const fromV = from ?? versions[1]?.version ?? versions[0]?.version ?? "";
  const toV = to ?? versions[0]?.version ?? "";
  const diff = useQuery(trpc.template.diff.queryOptions({ id: templateId, from: fromV, to: toV }, { enabled: versions.length > 1 && fromV !== "" && toV !== "" }));
  const use = useMutation(trpc.template.use.mutationOptions({ onSuccess: (r) => router.push(`/workflows/${r.workflow.id}`) }));

  if (t.error) return <section className="page"><ErrorText error={t.error} /></section>;
  if (!t.data) return <section className="page"><p className="muted">Loading…</p></section>;
  const d = t.data;
  return (
    <section className="page" style={{ maxWidth: 1200 }}>
      <div className="page-head">
        <div>
          <h1>{d.title}</h1>
          <p className="muted">{d.description}</p>
          <p className={styles.small}>
            {d.category} · {d.mediaType} · ≥ {d.latest.minVramGb} GB VRAM · models: {d.latest.requiredModels.map((m) => `${m.folder}/${m.name}`).join(", ") || "none"}
          </p>
        </div>
        <div style={{ width: 260 }}>
          <TemplateThumbnail svg={d.thumbnailSvg} title={d.title} />
        </div>
      </div>
      <ErrorText error={use.error} />
      {requirements.data?.problem ? <p className="muted">{requirements.data.problem}</p> : null}
      <div className={styles.layout}>
        <div>
          <h2>Versions</h2>
          <ol className={styles.versions} data-testid="template-versions">
            {versions.map((v) => (
              <li key={v.version} className={styles.versionRow} data-testid="template-version">
                <div className={styles.versionHead}>
                  <strong className={styles.version} style={{ fontSize: 14 }}>
                    {v.version}
                  </strong>
                  <button type="button" className={v === versions[0] ? "primary" : undefined} disabled={use.isPending} onClick={() => use.mutate({ templateId, version: v.version })}>
                    Use {v.version}
                  </button>
                </div>
                {requirements.data ? <Shortfall shortfall={requirements.data.shortfalls[templateId]?.[v.version]} serverUrl={requirements.data.serverUrl} /> : null}
                <div>{v.changelog}</div>
                <ul className={styles.params}>
                  {v.interface.parameters.map((p) => (
                    <li key={p.name}>
                      {p.name} ({p.type}) = {JSON.stringify(p.default)}
                      {p.description ? ` — ${p.description}` : ""}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h2>Compare versions</h2>
          {versions.length < 2 ? (
            <p className="muted">Only one version so far.</p>
          ) : (
            <>
              <div className={styles.compare}>
                <select aria-label="From version" value={fromV} onChange={(e) => setFrom(e.target.value)}>
                  {versions.map((v) => (
                    <option key={v.version}>{v.version}</option>
                  ))}
                </select>
                →
                <select aria-label="To version" value={toV} onChange={(e) => setTo(e.target.value)}>
                  {versions.map((v) => (
                    <option key={v.version}>{v.version}</option>
                  ))}
                </select>
              </div>
              <ErrorText error={diff.error} />
              {diff.data ? (
                <>
                  <h3 className={styles.small}>Interface</h3>
                  {diff.data.interface.changes.length === 0 ? (
                    <p className={styles.small}>No interface change.</p>
                  ) : (
                    <ul className={styles.params}>
                      {diff.data.interface.changes.map((c) => (
                        <li key={`${c.kind}:${c.name}`} className={styles.ifaceChange}>
                          [{c.bump}] {c.reason}
                        </li>
                      ))}
                    </ul>
                  )}
                  <DiffList diff={diff.data.diff as unknown as DocumentDiff} nodeLabel={(id) => labelOf(diff.data, id)} />
                </>
              ) : null}
            </>
          )}
          <p style={{ marginTop: 16 }}>
            <button
              type="button"
              onClick={async () => {
                const file = await queryClient.fetchQuery(trpc.template.export.queryOptions({ id: templateId }));
                const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: "application/json" }));
                const a = document.createElement("a");
                a.href = url;
                a.download = `${templateId}.template.json`;
                a.click();
                URL.revokeObjectURL(url);
              }}
            >
              Export all versions
            </button>
          </p>
        </div>
      </div>
    </section>
  );
}
