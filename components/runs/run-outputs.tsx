"use client";

import Link from "next/link";
import { memo } from "react";
import type { RunOutput } from "@/lib/runs";
import styles from "./runs.module.css";

/** A run's outputs: images and videos inline, anything else as a link. */
export const RunOutputs = memo(function RunOutputs({ outputs }: { outputs: readonly RunOutput[] }) {
  if (outputs.length === 0) return null;
  return (
    <div className={styles.outputs} data-testid="run-outputs">
      {outputs.map((o) => (
        <figure key={o.index} style={{ margin: 0 }}>
          {o.url === null ? (
            <p className="error-text">{o.problem}</p>
          ) : o.media === "image" ? (
            <a href={o.url} target="_blank" rel="noreferrer">
              {/* eslint-disable-next-line @next/next/no-img-element -- served by our own file route, sizes unknown */}
              <img src={o.url} alt={`${o.filename} from node ${o.nodeId}`} loading="lazy" />
            </a>
          ) : o.media === "video" ? (
            <video src={o.url} controls muted loop />
          ) : o.media === "audio" ? (
            <audio src={o.url} controls />
          ) : (
            <Link href={o.url}>{o.filename}</Link>
          )}
          <figcaption className="muted" style={{ fontSize: 11 }}>
            node {o.nodeId} · {o.filename}
          </figcaption>
        </figure>
      ))}
    </div>
  );
});
