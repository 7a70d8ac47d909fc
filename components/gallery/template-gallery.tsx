"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useRunServerChoice } from "@/components/editor/server-picker";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import styles from "./gallery.module.css";
import { Shortfall } from "./shortfall";
import { TemplateThumbnail } from "./thumbnail";

/** The template gallery: search, filter by category, media type and tag, and a card per template. */
export function TemplateGallery() {
  const trpc = useTRPC();
  const list = useQuery(trpc.template.list.queryOptions());
  // What each template's latest version needs that ComfyUI lacks: the server the editor's Run goes to in this browser
  // (the default one unless another was picked), asked once the list of servers is known.
  const runServer = useRunServerChoice();
  const requirements = useQuery(trpc.template.requirements.queryOptions(runServer.requestUrl === undefined ? undefined : { serverUrl: runServer.requestUrl }, { staleTime: 60_000, enabled: runServer.url !== null }));
  const shortfallOf = (t: { id: string; latestVersion: string }) => requirements.data?.shortfalls[t.id]?.[t.latestVersion];
  const [runnableOnly, setRunnableOnly] = useState(false);
  const queryClient = useQueryClient();
  const importFile = useMutation(
    trpc.template.import.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.template.list.queryKey() }) }),
  );
  const problems = (importFile.error?.data as { appDetails?: { problems?: { path: string; message: string }[] } } | undefined)?.appDetails?.problems ?? [];
  const [q, setQ] = useState("");
  const [category, setCategory] = useState("");
  const [media, setMedia] = useState("");
  const [tag, setTag] = useState("");
  const all = useMemo(() => list.data ?? [], [list.data]);
  const categories = useMemo(() => [...new Set(all.map((t) => t.category))].sort(), [all]);
  const medias = useMemo(() => [...new Set(all.map((t) => t.mediaType))].sort(), [all]);
  const tags = useMemo(() => [...new Set(all.flatMap((t) => t.tags))].sort(), [all]);
  const shown = all.filter((t) => {
    const needle = q.trim().toLowerCase();
    const text = `${t.title} ${t.description} ${t.tags.join(" ")} ${t.latest.requiredNodes.join(" ")}`.toLowerCase();
    return (
      (!needle || text.includes(needle)) &&
      (!category || t.category === category) &&
      (!media || t.mediaType === media) &&
      (!tag || t.tags.includes(tag)) &&
      (!runnableOnly || (requirements.data !== undefined && requirements.data.problem === null && !shortfallOf(t)))
    );
  });

  return (
    <section className="page" style={{ maxWidth: 1200 }}>
      <div className="page-head">
        <h1>Templates</h1>
        <label className="muted">
          Import a template file{" "}
          <input
            type="file"
            accept="application/json,.json"
            aria-label="Import a template file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) importFile.mutate({ text: await f.text() });
              e.target.value = "";
            }}
          />
        </label>
      </div>
      <ErrorText error={importFile.error} />
      {problems.length > 1 ? (
        <ul className="error-text">
          {problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              {p.path}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {importFile.data ? (
        <p className="muted" role="status">
          Imported {importFile.data.templateId}: {importFile.data.added} new version(s) of {importFile.data.versions.join(", ")}.
        </p>
      ) : null}
      <div className={styles.filters}>
        <input type="search" aria-label="Search templates" placeholder="Search title, description, tag or node type" value={q} onChange={(e) => setQ(e.target.value)} />
        <select aria-label="Category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <select aria-label="Media type" value={media} onChange={(e) => setMedia(e.target.value)}>
          <option value="">All media</option>
          {medias.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <select aria-label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <label className="muted" title={requirements.data ? `Templates whose node types and declared models ComfyUI at ${requirements.data.serverUrl} has` : undefined}>
          <input type="checkbox" checked={runnableOnly} disabled={!requirements.data || requirements.data.problem !== null} onChange={(e) => setRunnableOnly(e.target.checked)} /> Only what my ComfyUI can run
        </label>
      </div>
      {requirements.data?.problem ? <p className="muted" data-testid="template-requirements-problem">{requirements.data.problem}</p> : null}
      <ErrorText error={list.error ?? requirements.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data && shown.length === 0 ? <p className="muted empty">No template matches these filters.</p> : null}
      <ul className={styles.grid} data-testid="template-grid">
        {shown.map((t) => (
          <li key={t.id}>
            <Link href={`/templates/${t.id}`} className={styles.card} data-testid="template-card">
              <TemplateThumbnail svg={t.thumbnailSvg} title={t.title} />
              <span className={styles.title}>
                <span>{t.title}</span>
                <span className={styles.version}>v{t.latestVersion}</span>
              </span>
              <span className={styles.small}>{t.description}</span>
              <span className={styles.small}>
                {t.category} · {t.mediaType} · ≥ {t.latest.minVramGb} GB VRAM · {t.versionCount} versions
              </span>
              <span className={styles.small} title={t.latest.requiredNodes.join(", ")}>
                Nodes: {t.latest.requiredNodes.join(", ")}
              </span>
              {requirements.data ? <Shortfall shortfall={shortfallOf(t)} serverUrl={requirements.data.serverUrl} /> : null}
              <span className={styles.tags}>
                {t.tags.map((x) => (
                  <span key={x} className={styles.tag}>
                    {x}
                  </span>
                ))}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
