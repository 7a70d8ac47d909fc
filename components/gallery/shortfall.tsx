import type { TemplateShortfall } from "@/lib/runs/requirements";
import styles from "./gallery.module.css";

/** One line saying what a template version needs that the ComfyUI server lacks; the full list (with the nodes) in its title. */
export function Shortfall({ shortfall, serverUrl }: { shortfall: TemplateShortfall | undefined; serverUrl: string }) {
  if (!shortfall) return null;
  const parts = [
    ...shortfall.nodeTypes.map((n) => (n.nodes.length > 0 ? `node type ${n.classType} (${n.nodes.join(", ")})` : `node type ${n.classType}`)),
    ...shortfall.models.map((m) => `model ${m.folder}/${m.name}${m.url ? ` (${m.url})` : ""}`),
  ];
  const short = [...shortfall.nodeTypes.map((n) => n.classType), ...shortfall.models.map((m) => m.name)];
  return (
    <span className={styles.shortfall} data-testid="template-shortfall" title={`ComfyUI at ${serverUrl} lacks: ${parts.join("; ")}`}>
      Not on ComfyUI at {serverUrl}: {short.join(", ")}
    </span>
  );
}
