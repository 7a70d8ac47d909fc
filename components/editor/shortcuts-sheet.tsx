"use client";

import { COMMANDS } from "./commands";

/** The `?` sheet: every command that has a shortcut, read from the one command list. */
export function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  const groups = ["File", "Edit", "Node", "View", "Run"] as const;
  return (
    <div className="search-backdrop" onPointerDown={onClose}>
      <div role="dialog" aria-label="Keyboard shortcuts" className="shortcuts-sheet" onPointerDown={(e) => e.stopPropagation()}>
        <div className="side-panel-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close shortcuts">
            ×
          </button>
        </div>
        <div className="shortcuts-grid">
          {groups.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <dl>
                {COMMANDS.filter((c) => c.group === g && c.keys).map((c) => (
                  <div key={c.id}>
                    <dt>{c.label}</dt>
                    <dd>
                      {c.keys!.map((k) => (
                        <kbd key={k}>{k}</kbd>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
          <section>
            <h3>Mouse</h3>
            <dl>
              <div>
                <dt>Add node</dt>
                <dd>double-click the canvas</dd>
              </div>
              <div>
                <dt>Box select</dt>
                <dd>
                  <kbd>Shift</kbd> + drag
                </dd>
              </div>
              <div>
                <dt>Add to selection</dt>
                <dd>
                  <kbd>Shift</kbd> + click
                </dd>
              </div>
              <div>
                <dt>New node from a link</dt>
                <dd>drop the link on empty canvas</dd>
              </div>
            </dl>
          </section>
        </div>
      </div>
    </div>
  );
}
