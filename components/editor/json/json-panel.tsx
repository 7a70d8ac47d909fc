"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from "react";
import { convertDocument, getJsonSchema, importJsonText, type JsonExportFormat, type JsonProblem } from "@/lib/formats";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import { useTRPC } from "@/components/trpc";
import { errorMessage } from "@/components/ui/error-text";
import { loadMonaco, type MonacoApi } from "./monaco-loader";
import "./json-panel.css";

export interface JsonPanelProps {
  document: WorkflowDocument;
  catalogue: NodeCatalogue;
  /** Called with the imported document when Apply succeeds; never with an invalid one. */
  onApply: (doc: WorkflowDocument) => void;
  onClose?: () => void;
}

/** The three formats, in the order the switcher shows them. */
export const JSON_PANEL_FORMATS: readonly { format: JsonExportFormat; label: string; hint: string }[] = [
  { format: "atelier", label: "Atelier", hint: "Our document: graph, layout and metadata, widget values by name." },
  { format: "ui", label: "ComfyUI UI", hint: "What ComfyUI saves (Workflow → Export): positional widget values, links, groups." },
  { format: "api", label: "API", hint: "What ComfyUI runs (POST /prompt). Applying it keeps the graph and lays it out left to right." },
];

const MODEL_URIS: Record<JsonExportFormat, string> = {
  atelier: "inmemory://atelier/json-panel.atelier.json",
  ui: "inmemory://atelier/json-panel.ui.json",
  api: "inmemory://atelier/json-panel.api.json",
};
const MARKER_OWNER = "atelier-json-panel";

type Editor = ReturnType<MonacoApi["editor"]["create"]>;
type Model = NonNullable<ReturnType<Editor["getModel"]>>;

/** The schemas for every format, each matched to its own model, so switching format switches diagnostics. */
function configureJsonDiagnostics(monaco: MonacoApi) {
  monaco.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    trailingCommas: "error",
    comments: "error",
    // Schemas are given inline; the editor must never fetch one.
    enableSchemaRequest: false,
    schemaValidation: "error",
    schemas: JSON_PANEL_FORMATS.map(({ format }) => {
      const { uri, schema } = getJsonSchema(format);
      return { uri, fileMatch: [MODEL_URIS[format]], schema };
    }),
  });
}

function problemLabel(p: JsonProblem): string {
  return p.line !== undefined ? `Line ${p.line}, column ${p.column ?? 1}` : p.path ? p.path : "Whole text";
}

/**
 * The workflow as JSON in one of three formats, editable in monaco with the
 * format's JSON Schema diagnostics. Apply imports the text and hands the
 * document to `onApply` only when it is valid; otherwise the problems are
 * listed (and underlined) and nothing changes.
 */
export function JsonPanel({ document, catalogue, onApply, onClose }: JsonPanelProps) {
  const trpc = useTRPC();
  const titleId = useId();
  const [format, setFormat] = useState<JsonExportFormat>("atelier");
  // null while the text shown is the document as generated; the edited text, and the document it started from, once the person edits.
  const [draft, setDraft] = useState<{ text: string; base: WorkflowDocument } | null>(null);
  const [problems, setProblems] = useState<JsonProblem[]>([]);
  const [status, setStatus] = useState<string>("");
  const [editorState, setEditorState] = useState<"loading" | "ready" | "failed">("loading");
  const [loadError, setLoadError] = useState("");
  const hostRef = useRef<HTMLDivElement>(null);
  const monacoRef = useRef<MonacoApi | null>(null);
  const editorRef = useRef<Editor | null>(null);
  const modelsRef = useRef<Partial<Record<JsonExportFormat, Model>>>({});
  // Set while we replace the model's text ourselves, so that change is not taken for an edit.
  const settingTextRef = useRef(false);

  // Deferred: while a node is dragged the document changes every frame, and re-serialising a
  // large graph then must not hold up the canvas; the text catches up when there is time.
  const shownDocument = useDeferredValue(document);
  const generated = useMemo(() => convertDocument(shownDocument, catalogue, format), [shownDocument, catalogue, format]);
  const text = draft?.text ?? generated.text;
  const documentRef = useRef(document);
  useEffect(() => {
    documentRef.current = document;
  }, [document]);
  const edit = useCallback((value: string) => {
    setDraft((prev) => ({ text: value, base: prev?.base ?? documentRef.current }));
    setStatus("");
  }, []);

  const validate = useMutation(trpc.document.validateJson.mutationOptions());

  const showProblems = useCallback((list: JsonProblem[]) => {
    setProblems(list);
    const monaco = monacoRef.current;
    const model = editorRef.current?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      list.map((p) => {
        const line = Math.min(Math.max(p.line ?? 1, 1), model.getLineCount());
        const column = Math.max(p.column ?? 1, 1);
        return {
          severity: monaco.MarkerSeverity.Error,
          message: p.message,
          startLineNumber: line,
          startColumn: column,
          endLineNumber: line,
          endColumn: Math.max(model.getLineMaxColumn(line), column + 1),
        };
      }),
    );
  }, []);

  const modelFor = useCallback((monaco: MonacoApi, f: JsonExportFormat, value: string): Model => {
    let model = modelsRef.current[f];
    if (!model || model.isDisposed()) {
      const uri = monaco.Uri.parse(MODEL_URIS[f]);
      // A model left by an earlier panel (React may mount twice) is reused rather than duplicated.
      model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(value, "json", uri);
      modelsRef.current[f] = model;
    }
    return model;
  }, []);

  // Monaco loads in the browser only, after the first paint, from the installed package.
  useEffect(() => {
    let disposed = false;
    const subscriptions: { dispose(): void }[] = [];
    loadMonaco().then(
      (monaco) => {
        if (disposed || !hostRef.current) return;
        configureJsonDiagnostics(monaco);
        monacoRef.current = monaco;
        const editor = monaco.editor.create(hostRef.current, {
          model: null,
          theme: "vs-dark",
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          tabSize: 2,
          scrollBeyondLastLine: false,
          fixedOverflowWidgets: true,
          ariaLabel: "Workflow JSON text",
        });
        editorRef.current = editor;
        subscriptions.push(
          editor.onDidChangeModelContent(() => {
            if (settingTextRef.current) return;
            edit(editor.getValue());
          }),
        );
        setEditorState("ready");
      },
      (error: unknown) => {
        if (disposed) return;
        setLoadError(error instanceof Error ? error.message : String(error));
        setEditorState("failed");
      },
    );
    return () => {
      disposed = true;
      for (const s of subscriptions) s.dispose();
      editorRef.current?.dispose();
      editorRef.current = null;
      for (const model of Object.values(modelsRef.current)) model?.dispose();
      modelsRef.current = {};
      monacoRef.current = null;
    };
  }, [edit]);

  // Shows the current format's model and keeps its text in step with the document while nothing is being edited.
  useEffect(() => {
    const monaco = monacoRef.current;
    const editor = editorRef.current;
    if (editorState !== "ready" || !monaco || !editor) return;
    const model = modelFor(monaco, format, text);
    if (editor.getModel() !== model) editor.setModel(model);
    if (model.getValue() !== text) {
      settingTextRef.current = true;
      try {
        model.setValue(text);
      } finally {
        settingTextRef.current = false;
      }
    }
  }, [editorState, format, text, modelFor]);

  const reset = () => {
    setDraft(null);
    showProblems([]);
  };

  const switchFormat = (next: JsonExportFormat) => {
    if (next === format) return;
    setFormat(next);
    reset();
    setStatus(draft !== null ? "Unapplied edits were discarded when switching format." : "");
  };

  const apply = () => {
    const result = importJsonText(text, { catalogue });
    if (!result.ok) {
      showProblems(result.problems);
      setStatus(`Nothing was applied: ${result.problems.length === 1 ? "1 problem" : `${result.problems.length} problems`} to fix first.`);
      return;
    }
    // UI and API JSON carry no name of ours: keep the workflow's.
    const doc =
      result.format === "atelier" ? result.document : { ...result.document, metadata: { ...result.document.metadata, name: document.metadata.name } };
    onApply(doc);
    reset();
    const n = result.warnings.length;
    setStatus(n === 0 ? "Applied." : `Applied, with ${n} warning${n === 1 ? "" : "s"}: ${result.warnings.slice(0, 3).map((w) => w.message).join(" ")}`);
  };

  const checkOnServer = () => {
    setStatus("Checking…");
    validate.mutate(
      { format, text },
      {
        onSuccess: (result) => {
          showProblems(result.problems);
          setStatus(result.valid ? "The server found no problems." : `The server found ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}.`);
        },
        onError: (error) => setStatus(`Could not check on the server: ${errorMessage(error)}`),
      },
    );
  };

  const reveal = (p: JsonProblem) => {
    const editor = editorRef.current;
    if (!editor || p.line === undefined) return;
    editor.revealLineInCenter(p.line);
    editor.setPosition({ lineNumber: p.line, column: p.column ?? 1 });
    editor.focus();
  };

  const activeHint = JSON_PANEL_FORMATS.find((f) => f.format === format)?.hint;
  const canvasChanged = draft !== null && draft.base !== document;

  return (
    <section role="dialog" aria-labelledby={titleId} className="json-panel">
      <header className="json-panel-head">
        <h2 id={titleId} className="json-panel-title">
          Workflow JSON
        </h2>
        <div role="radiogroup" aria-label="JSON format" className="json-panel-formats">
          {JSON_PANEL_FORMATS.map((f) => (
            <label key={f.format} className={f.format === format ? "json-panel-format active" : "json-panel-format"} title={f.hint}>
              <input type="radio" name={`${titleId}-format`} value={f.format} checked={f.format === format} onChange={() => switchFormat(f.format)} />
              {f.label}
            </label>
          ))}
        </div>
        {onClose ? (
          <button type="button" onClick={onClose} aria-label="Close JSON panel">
            Close
          </button>
        ) : null}
      </header>
      <p className="json-panel-hint muted">{activeHint}</p>
      {generated.issues.length > 0 && draft === null ? (
        <p className="json-panel-note" role="note">
          Compiling to API JSON: {generated.issues.slice(0, 3).map((i) => i.message).join(" ")}
          {generated.issues.length > 3 ? ` (${generated.issues.length - 3} more)` : ""}
        </p>
      ) : null}
      {canvasChanged ? (
        <p className="json-panel-note" role="note">
          The graph changed on the canvas since you started editing. Apply replaces it with this text; Revert shows the current graph.
        </p>
      ) : null}
      <div className="json-panel-editor">
        {editorState === "failed" ? (
          <>
            <p className="error-text">The code editor could not load ({loadError}); editing as plain text.</p>
            <textarea aria-label="Workflow JSON text" className="json-panel-textarea" spellCheck={false} value={text} onChange={(e) => edit(e.target.value)} />
          </>
        ) : (
          <>
            {editorState === "loading" ? <p className="muted json-panel-loading">Loading editor…</p> : null}
            <div ref={hostRef} className="json-panel-monaco" data-testid="json-panel-monaco" data-format={format} />
          </>
        )}
      </div>
      {problems.length > 0 ? (
        <ul aria-label="JSON problems" className="json-panel-problems">
          {problems.map((p, i) => (
            <li key={i}>
              <button type="button" className="json-panel-where" onClick={() => reveal(p)} disabled={p.line === undefined}>
                {problemLabel(p)}
              </button>
              <span>{p.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <footer className="json-panel-foot">
        <p role="status" className="json-panel-status">
          {status}
        </p>
        <button type="button" onClick={reset} disabled={draft === null}>
          Revert
        </button>
        <button type="button" onClick={checkOnServer} disabled={validate.isPending}>
          Check on server
        </button>
        <button type="button" className="primary" onClick={apply}>
          Apply
        </button>
      </footer>
    </section>
  );
}
