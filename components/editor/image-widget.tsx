"use client";

import { useQueryClient } from "@tanstack/react-query";
import { memo, useRef, useState } from "react";
import type { InputInfo } from "@/lib/graph/node-def";
import type { JsonValue } from "@/lib/graph/model";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import { useTRPC } from "@/components/trpc";
import { useRunServerUrl } from "./server-picker";
import { useEditorStore } from "./store";
import { ComboWidget, type WidgetChange } from "./widgets";

const INPUT_FILES = "/files/comfyui/input";

/** An input image on the server the editor runs on (the default one when `serverUrl` is undefined). */
function inputFileUrl(name: string, serverUrl: string | undefined): string {
  return `${INPUT_FILES}?name=${encodeURIComponent(name)}${serverUrl === undefined ? "" : `&server=${encodeURIComponent(serverUrl)}`}`;
}

/** LoadImage's picker: the server's input images, an upload button, and a preview of the chosen one. */
export const ImageWidget = memo(function ImageWidget({ input, value, onChange, invalid }: { input: InputInfo; value: JsonValue; onChange: WidgetChange; invalid?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const store = useEditorStore();
  const fileInput = useRef<HTMLInputElement>(null);
  // Input images live on the ComfyUI server the graph runs on.
  const serverUrl = useRunServerUrl();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const [broken, setBroken] = useState<string | null>(null);
  const name = typeof value === "string" ? value : "";

  const upload = async (file: File) => {
    setState({ busy: true, error: null });
    try {
      const res = await fetch(inputFileUrl(file.name, serverUrl), { method: "POST", body: file, headers: { "content-type": file.type || "application/octet-stream" } });
      const body = (await res.json()) as { name?: string; subfolder?: string; error?: string };
      if (!res.ok || !body.name) throw new Error(body.error ?? `upload failed (${res.status})`);
      // The server's list now has the file: refresh the catalogue so the value validates.
      const answer = await queryClient.fetchQuery(trpc.catalogue.get.queryOptions({ refresh: true, serverUrl }, { staleTime: 0 }));
      if (answer.source === "server") store.getState().setCatalogue(answer.catalogue as NodeCatalogue, "server");
      onChange(body.subfolder ? `${body.subfolder}/${body.name}` : body.name);
      setBroken(null);
      setState({ busy: false, error: null });
    } catch (e) {
      setState({ busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div className="widget-image nodrag">
      <ComboWidget input={input} value={value} onChange={onChange} invalid={invalid} />
      <div className="widget-image-actions">
        <button type="button" disabled={state.busy} onClick={() => fileInput.current?.click()}>
          {state.busy ? "Uploading…" : "Upload image"}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif,image/bmp"
          aria-label={`Upload ${input.name}`}
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void upload(file);
          }}
        />
      </div>
      {state.error && <p className="error-text widget-image-error">{state.error}</p>}
      {name && broken !== name && (
        // eslint-disable-next-line @next/next/no-img-element -- served by our own checked route; size unknown
        <img className="widget-image-preview" src={inputFileUrl(name, serverUrl)} alt={`Preview of ${name}`} onError={() => setBroken(name)} />
      )}
      {name && broken === name && <p className="muted widget-image-error">No preview: ComfyUI does not have {name}.</p>}
    </div>
  );
});
