"use client";

import type { DocumentDiff } from "@/lib/graph/diff";
import { isEmptyLayoutDiff, isSemanticallyEqual } from "@/lib/graph/diff";
import { describeNodeChange } from "@/lib/versions/highlights";
import styles from "./versions.module.css";

function edgeText(e: { source: string; sourceSlot: number; target: string; targetInput: string }): string {
  return `#${e.source}[${e.sourceSlot}] → #${e.target}.${e.targetInput}`;
}

/** A semantic diff as a list: nodes added, removed and changed (old → new), links, then layout-only changes apart. */
export function DiffList({ diff, nodeLabel }: { diff: DocumentDiff; nodeLabel?: (nodeId: string) => string | undefined }) {
  const label = (id: string, type?: string) => nodeLabel?.(id) ?? (type ? `#${id} ${type}` : `#${id}`);
  const g = diff.graph;
  const semanticEqual = isSemanticallyEqual(diff);
  const layoutEmpty = isEmptyLayoutDiff(diff.layout);
  const moved = new Set([...diff.layout.nodesMoved, ...diff.layout.nodesResized, ...diff.layout.nodesRestyled].map((c) => c.nodeId as string));
  return (
    <div className={styles.diff} data-testid="diff-list">
      {semanticEqual ? (
        <p className="muted" data-testid="diff-no-semantic">
          Nothing that runs changed{layoutEmpty && diff.metadataChanged.length === 0 ? ", and nothing else either." : " (same hash)."}
        </p>
      ) : (
        <section className={styles.section}>
          <h3>Graph</h3>
          <ul className={styles.items}>
            {g.nodesAdded.map((n) => (
              <li key={`a${n.id}`} className={`${styles.item} ${styles.added}`}>
                + {label(n.id, n.type)} added
              </li>
            ))}
            {g.nodesRemoved.map((n) => (
              <li key={`r${n.id}`} className={`${styles.item} ${styles.removed}`}>
                − {label(n.id, n.type)} removed
              </li>
            ))}
            {g.nodesChanged.map((c) => (
              <li key={`c${c.nodeId}`} className={`${styles.item} ${styles.changed}`}>
                ~ {label(c.nodeId)}
                {describeNodeChange(c).map((line) => (
                  <div key={line} className={styles.change}>
                    {line}
                  </div>
                ))}
              </li>
            ))}
            {g.edgesAdded.map((e) => (
              <li key={`ea${edgeText(e)}`} className={`${styles.item} ${styles.added}`}>
                + link {edgeText(e)}
              </li>
            ))}
            {g.edgesRemoved.map((e) => (
              <li key={`er${edgeText(e)}`} className={`${styles.item} ${styles.removed}`}>
                − link {edgeText(e)}
              </li>
            ))}
            {diff.subgraphsAdded.map((id) => (
              <li key={`sa${id}`} className={`${styles.item} ${styles.added}`}>
                + subgraph {id}
              </li>
            ))}
            {diff.subgraphsRemoved.map((id) => (
              <li key={`sr${id}`} className={`${styles.item} ${styles.removed}`}>
                − subgraph {id}
              </li>
            ))}
            {diff.subgraphsChanged.map((s) => (
              <li key={`sc${s.id}`} className={`${styles.item} ${styles.changed}`}>
                ~ subgraph {s.name?.after ?? s.id}: {s.graph.nodesAdded.length} added, {s.graph.nodesRemoved.length} removed, {s.graph.nodesChanged.length} changed
                {s.portsChanged ? ", ports changed" : ""}
              </li>
            ))}
          </ul>
        </section>
      )}
      {!layoutEmpty || diff.metadataChanged.length > 0 ? (
        <section className={styles.section} data-testid="diff-layout">
          <h3>Layout only (does not change what runs)</h3>
          <ul className={styles.items}>
            {moved.size > 0 ? <li className={`${styles.item} ${styles.layout}`}>{moved.size} node(s) moved, resized or restyled: {[...moved].map((id) => label(id)).join(", ")}</li> : null}
            {diff.layout.groupsAdded.length + diff.layout.groupsRemoved.length + diff.layout.groupsChanged.length > 0 ? (
              <li className={`${styles.item} ${styles.layout}`}>
                groups: {diff.layout.groupsAdded.length} added, {diff.layout.groupsRemoved.length} removed, {diff.layout.groupsChanged.length} changed
              </li>
            ) : null}
            {diff.layout.viewportChanged ? <li className={`${styles.item} ${styles.layout}`}>viewport changed</li> : null}
            {diff.layout.extraChanged ? <li className={`${styles.item} ${styles.layout}`}>format-specific layout data changed</li> : null}
            {diff.metadataChanged.length > 0 ? <li className={`${styles.item} ${styles.layout}`}>metadata: {diff.metadataChanged.join(", ")}</li> : null}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
