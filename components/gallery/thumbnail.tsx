"use client";

import styles from "./gallery.module.css";

/** A template's SVG thumbnail through an <img> data URI: an image context never runs script inside the SVG. */
export function TemplateThumbnail({ svg, title }: { svg: string | null; title: string }) {
  if (!svg) return <div className={styles.thumb} aria-hidden />;
  // eslint-disable-next-line @next/next/no-img-element -- a data URI: next/image has nothing to optimise.
  return <img className={styles.thumb} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt={`${title}: graph preview`} />;
}
