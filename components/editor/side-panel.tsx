"use client";

import type { ReactNode } from "react";

/** A panel beside the canvas: a title (with optional extras), a close button, and its content. */
export function SidePanel({ label, title, extra, onClose, children }: { label: string; title?: ReactNode; extra?: ReactNode; onClose: () => void; children: ReactNode }) {
  return (
    <aside className="side-panel" aria-label={label}>
      <div className="side-panel-head">
        <h2>{title ?? label}</h2>
        {extra}
        <button type="button" onClick={onClose} aria-label={`Close ${label.toLowerCase()}`}>
          ×
        </button>
      </div>
      {children}
    </aside>
  );
}
