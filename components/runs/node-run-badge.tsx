"use client";

import { memo } from "react";
import type { NodeRunMark } from "./run-state";
import styles from "./runs.module.css";

/** A small pill for a node card: state, step progress as a fill, the error on hover. */
export const NodeRunBadge = memo(function NodeRunBadge({ mark }: { mark: NodeRunMark | undefined }) {
  if (!mark) return null;
  return (
    <span className={`${styles.badge} ${styles[`tone-${mark.tone}`]}`} data-testid="node-run-badge" data-state={mark.state} title={mark.message ?? undefined}>
      {mark.progress !== null ? <span className={styles.badgeFill} style={{ transform: `scaleX(${mark.progress})` }} aria-hidden /> : null}
      <span style={{ position: "relative" }}>{mark.label}</span>
    </span>
  );
});
