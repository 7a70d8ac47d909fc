"use client";

import type * as MonacoEntry from "./monaco-entry";

/** The monaco API the JSON panel uses (see monaco-entry.ts for what it includes). */
export type MonacoApi = typeof MonacoEntry;

type MonacoEnvironmentHolder = { MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker } };

let loading: Promise<MonacoApi> | undefined;

/**
 * Loads monaco from the installed package, once per page. Call it only in
 * the browser (an effect): monaco touches `window` as soon as it loads.
 */
export function loadMonaco(): Promise<MonacoApi> {
  if (!loading) {
    // Workers are bundled by the build from our own entry files, so they are
    // served from this origin like every other chunk.
    (self as unknown as MonacoEnvironmentHolder).MonacoEnvironment = {
      getWorker(_workerId, label) {
        if (label === "json") return new Worker(new URL("./json.worker.ts", import.meta.url), { type: "module", name: "monaco-json" });
        return new Worker(new URL("./editor.worker.ts", import.meta.url), { type: "module", name: "monaco-editor" });
      },
    };
    loading = import("./monaco-entry").catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}
