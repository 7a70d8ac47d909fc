"use client";

import "./import-notice.css";

export interface ImportNoticeProps {
  /** Import warnings (lib/formats ImportWarning or anything with a message). */
  warnings: readonly { message: string }[];
  missingNodeTypes: readonly string[];
  onDismiss: () => void;
}

const SHOWN_WARNINGS = 8;

/**
 * Tells what an import could not keep exactly: node types this server does
 * not have (their nodes stay as placeholders that keep their data), and the
 * importer's warnings.
 */
export function ImportNotice({ warnings, missingNodeTypes, onDismiss }: ImportNoticeProps) {
  if (warnings.length === 0 && missingNodeTypes.length === 0) return null;
  return (
    <section role="status" aria-label="Import notice" className="import-notice">
      <div className="import-notice-body">
        {missingNodeTypes.length > 0 ? (
          <p>
            <strong>
              {missingNodeTypes.length} node type{missingNodeTypes.length === 1 ? " is" : "s are"} not installed:
            </strong>{" "}
            <span className="import-notice-types">{missingNodeTypes.join(", ")}</span>. Their nodes are kept as placeholders with their values, and
            export unchanged; install the custom nodes in ComfyUI to run them.
          </p>
        ) : null}
        {warnings.length > 0 ? (
          <details open={missingNodeTypes.length === 0}>
            <summary>
              {warnings.length} import warning{warnings.length === 1 ? "" : "s"}
            </summary>
            <ul>
              {warnings.slice(0, SHOWN_WARNINGS).map((w, i) => (
                <li key={i}>{w.message}</li>
              ))}
              {warnings.length > SHOWN_WARNINGS ? <li>…and {warnings.length - SHOWN_WARNINGS} more.</li> : null}
            </ul>
          </details>
        ) : null}
      </div>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </section>
  );
}
