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

let formats: Promise<Formats> | null = null;
let files: Promise<Files> | null = null;
let layout: Promise<Layout> | null = null;

/** ComfyUI's formats: importers of UI, API, PNG and WebP files, converters and JSON Schema. */
export function loadFormats(): Promise<Formats> {
  return (formats ??= import("@/lib/formats"));
}

/** Reading and writing workflow files (a dropped or picked file, a download). */
export function loadFiles(): Promise<Files> {
  return (files ??= import("./files"));
}

/** Auto-layout (dagre). */
export function loadLayout(): Promise<Layout> {
  return (layout ??= import("@/lib/graph/layout"));
}

/** Fetches the lazy parts once the page is idle, so the first paste or import does not wait for them. */
export function preloadEditorModules(): () => void {
  const load = () => {
    void loadFormats();
    void loadFiles();
    void loadLayout();
    void import("./json/json-panel");
    void import("@/components/versions/history-panel");
  };
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(load, { timeout: 3000 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(load, 1000);
  return () => window.clearTimeout(handle);
}
