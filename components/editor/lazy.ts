// Parts of the editor a person needs only now and then (file import and
// export with PNG and WebP, every ComfyUI format's importer, auto-layout, the
// JSON panel, history, the rebase dialog) load on first use or when the page
// is idle, so opening a workflow parses less script before the canvas draws.

import type * as FormatsModule from "@/lib/formats";
import type * as LayoutModule from "@/lib/graph/layout";
import type * as FilesModule from "./files";

type Formats = typeof FormatsModule;
type Files = typeof FilesModule;
type Layout = typeof LayoutModule;

/** Loads a module once; a failed load (a dropped connection) is forgotten, so the next use tries again. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((e: unknown) => {
      pending = null;
      throw e;
    }));
}

/** ComfyUI's formats: importers of UI, API, PNG and WebP files, converters and JSON Schema. */
export const loadFormats: () => Promise<Formats> = once(() => import("@/lib/formats"));

/** Reading and writing workflow files (a dropped or picked file, a download). */
export const loadFiles: () => Promise<Files> = once(() => import("./files"));

/** Auto-layout (dagre). */
export const loadLayout: () => Promise<Layout> = once(() => import("@/lib/graph/layout"));

/** Fetches the lazy parts once the page is idle, so the first paste or import does not wait for them. */
export function preloadEditorModules(): () => void {
  // Failures here are ignored on purpose: the first real use loads again and says what went wrong.
  const load = () => {
    for (const p of [loadFormats(), loadFiles(), loadLayout(), import("./json/json-panel"), import("@/components/versions/history-panel")]) p.catch(() => {});
  };
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(load, { timeout: 3000 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(load, 1000);
  return () => window.clearTimeout(handle);
}
