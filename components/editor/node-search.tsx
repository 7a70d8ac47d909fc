"use client";

import { useMemo, useState } from "react";
import type { NodeCatalogue, NodeDefinition } from "@/lib/graph/catalogue";
import { areTypesCompatible, listInputs, listOutputs } from "@/lib/graph/node-def";
import type { SearchRequest } from "./store";
import type { Command } from "./commands";

export type SearchResult =
  | { kind: "node"; type: string; label: string; category: string; detail: string; connectVia?: { input?: string; slot?: number } }
  | { kind: "command"; command: Command };

/** Virtual nodes people add by hand, which /object_info never lists. */
const VIRTUAL: Array<{ type: string; label: string; category: string; detail: string }> = [
  { type: "Reroute", label: "Reroute", category: "utils", detail: "* → *" },
  { type: "PrimitiveNode", label: "Primitive", category: "utils", detail: "a value for any widget" },
  { type: "Note", label: "Note", category: "utils", detail: "text on the canvas" },
];

function describe(def: NodeDefinition): string {
  const ins = listInputs(def).filter((i) => i.kind === "link").map((i) => i.type);
  const outs = listOutputs(def).map((o) => o.type);
  return `${ins.join(", ") || "—"} → ${outs.join(", ") || "output"}`;
}

/**
 * Searches the catalogue by name, display name, category and input/output
 * type; from a dropped link, only nodes that can take (or give) that type.
 * Words must all match; a name match ranks above a category or type match.
 */
export function searchNodes(catalogue: NodeCatalogue, query: string, from: SearchRequest["from"], limit = 60): SearchResult[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scored: Array<{ r: SearchResult; score: number }> = [];
  const consider = (type: string, label: string, category: string, detail: string, connectVia: { input?: string; slot?: number } | undefined) => {
    const name = `${type} ${label}`.toLowerCase();
    const hay = `${name} ${category.toLowerCase()} ${detail.toLowerCase()}`;
    let score = 0;
    for (const w of words) {
      if (!hay.includes(w)) return;
      score += name.startsWith(w) || label.toLowerCase().startsWith(w) ? 4 : name.includes(w) ? 2 : 1;
    }
    scored.push({ r: { kind: "node", type, label, category, detail, connectVia }, score });
  };
  for (const def of Object.values(catalogue)) {
    if (def.deprecated) continue;
    let connectVia: { input?: string; slot?: number } | undefined;
    if (from?.kind === "output") {
      const input = listInputs(def).find((i) => areTypesCompatible(from.type, i.type));
      if (!input) continue;
      connectVia = { input: input.name };
    } else if (from?.kind === "input") {
      const output = listOutputs(def).find((o) => areTypesCompatible(o.type, from.type));
      if (!output) continue;
      connectVia = { slot: output.index };
    }
    consider(def.name, def.display_name ?? def.name, def.category ?? "", describe(def), connectVia);
  }
  for (const v of VIRTUAL) {
    if (v.type === "Note" && from) continue;
    if (v.type === "PrimitiveNode" && from?.kind === "output") continue;
    consider(v.type, v.label, v.category, v.detail, from?.kind === "output" ? { input: "" } : from?.kind === "input" ? { slot: 0 } : undefined);
  }
  scored.sort((a, b) => b.score - a.score || (a.r.kind === "node" && b.r.kind === "node" ? a.r.label.localeCompare(b.r.label) : 0));
  return scored.slice(0, limit).map((s) => s.r);
}

/** The dialog: type to filter nodes (or commands after ">"), arrows to move, Enter to add. */
export function NodeSearch({
  catalogue,
  request,
  commands,
  onPick,
  onCommand,
  onClose,
}: {
  catalogue: NodeCatalogue;
  request: SearchRequest;
  commands: readonly Command[];
  onPick: (result: Extract<SearchResult, { kind: "node" }>) => void;
  onCommand: (command: Command) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const results: SearchResult[] = useMemo(() => {
    if (query.startsWith(">")) {
      const q = query.slice(1).trim().toLowerCase();
      return commands.filter((c) => c.label.toLowerCase().includes(q)).map((command) => ({ kind: "command" as const, command }));
    }
    return searchNodes(catalogue, query, request.from);
  }, [catalogue, query, request.from, commands]);

  const choose = (r: SearchResult | undefined) => {
    if (!r) return;
    if (r.kind === "node") onPick(r);
    else onCommand(r.command);
  };
  const left = Math.max(8, Math.min(request.screen.x, (typeof window !== "undefined" ? window.innerWidth : 1200) - 440));
  const top = Math.max(8, Math.min(request.screen.y, (typeof window !== "undefined" ? window.innerHeight : 800) - 420));

  return (
    <div className="search-backdrop" onPointerDown={onClose}>
      <div role="dialog" aria-label="Add node" className="node-search" style={{ left, top }} onPointerDown={(e) => e.stopPropagation()}>
        <input
          autoFocus
          aria-label="Search nodes"
          placeholder={request.from ? `Nodes that fit ${request.from.type}…` : "Search nodes (type > for commands)…"}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, results.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === "Enter") {
              e.preventDefault();
              choose(results[active]);
            } else if (e.key === "Escape") onClose();
          }}
        />
        {request.from && <div className="search-filter muted">Showing nodes that connect to {request.from.type}</div>}
        <ul role="listbox" aria-label="Matching nodes" className="search-results">
          {results.map((r, i) => (
            <li
              key={r.kind === "node" ? r.type : r.command.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(r)}
            >
              {r.kind === "node" ? (
                <>
                  <span className="search-label">{r.label}</span>
                  <span className="search-meta">
                    {r.category} · {r.detail}
                  </span>
                </>
              ) : (
                <>
                  <span className="search-label">{r.command.label}</span>
                  <span className="search-meta">{r.command.keys?.join(" / ") ?? r.command.group}</span>
                </>
              )}
            </li>
          ))}
          {results.length === 0 && <li className="muted">Nothing matches “{query}”</li>}
        </ul>
      </div>
    </div>
  );
}
