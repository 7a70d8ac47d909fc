"use client";

import { memo, useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { InputInfo } from "@/lib/graph/node-def";
import type { ControlAfterGenerate, JsonValue } from "@/lib/graph/model";

export type WidgetChange = (value: JsonValue) => void;

/** What every widget gets: its input's definition, the value, where to send a change, and the problem with it if any. */
type WidgetProps = { input: InputInfo; value: JsonValue; onChange: WidgetChange; invalid?: string };

const CONTROLS: ControlAfterGenerate[] = ["fixed", "increment", "decrement", "randomize"];

function decimalsOf(step: number): number {
  const s = String(step);
  const i = s.indexOf(".");
  return i === -1 ? 0 : s.length - i - 1;
}

/** Clamps and rounds a number the way ComfyUI's widget does for this input. */
export function normalizeNumber(raw: number, input: InputInfo): number {
  let v = raw;
  const { min, max } = input.options;
  if (typeof min === "number") v = Math.max(min, v);
  if (typeof max === "number") v = Math.min(max, v);
  if (input.widgetType === "INT") return Math.round(v);
  const round = input.options.round;
  const precision = typeof round === "number" && round > 0 ? round : (input.options.step ?? 0.01);
  const decimals = Math.min(10, decimalsOf(precision));
  return Number((Math.round(v / precision) * precision).toFixed(decimals));
}

/** Number with bounds: arrows step it, dragging sideways scrubs it, a click lets you type it. */
export const NumberWidget = memo(function NumberWidget({ input, value, onChange, invalid }: WidgetProps) {
  const step = input.options.step ?? (input.widgetType === "INT" ? 1 : 0.01);
  const num = typeof value === "number" ? value : Number(value);
  const [editing, setEditing] = useState<string | null>(null);
  const drag = useRef<{ x: number; start: number; moved: boolean } | null>(null);

  const commit = (v: number) => {
    if (Number.isFinite(v)) onChange(normalizeNumber(v, input));
  };
  const onPointerDown = (e: ReactPointerEvent<HTMLSpanElement>) => {
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, start: Number.isFinite(num) ? num : 0, moved: false };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLSpanElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 3) d.moved = true;
    // One step per 6 px keeps fine control; Shift scrubs ten times faster.
    if (d.moved) commit(d.start + Math.round(dx / 6) * step * (e.shiftKey ? 10 : 1));
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) setEditing(String(Number.isFinite(num) ? num : ""));
  };

  return (
    <div className={`widget widget-number nodrag${invalid ? " invalid" : ""}`} title={invalid}>
      <button type="button" className="widget-arrow" aria-label={`Decrease ${input.name}`} onClick={() => commit(num - step)}>
        ‹
      </button>
      {editing !== null ? (
        <input
          autoFocus
          className="widget-inline-input"
          aria-label={input.name}
          value={editing}
          onChange={(e) => setEditing(e.target.value)}
          onBlur={() => {
            commit(Number(editing));
            setEditing(null);
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            if (e.key === "Escape") setEditing(null);
          }}
        />
      ) : (
        <span
          className="widget-scrub"
          role="spinbutton"
          aria-label={input.name}
          aria-valuenow={Number.isFinite(num) ? num : undefined}
          aria-valuemin={input.options.min}
          aria-valuemax={input.options.max}
          tabIndex={0}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onKeyDown={(e) => {
            if (e.key === "ArrowUp" || e.key === "ArrowDown") {
              e.preventDefault();
              e.stopPropagation();
              commit(num + (e.key === "ArrowUp" ? step : -step));
            }
            if (e.key === "Enter") setEditing(String(num));
          }}
        >
          <span className="widget-label">{input.name}</span>
          <span className="widget-value">{Number.isFinite(num) ? String(num) : String(value)}</span>
        </span>
      )}
      <button type="button" className="widget-arrow" aria-label={`Increase ${input.name}`} onClick={() => commit(num + step)}>
        ›
      </button>
    </div>
  );
});

/** What a seed does after each run, beside its number (ComfyUI's control_after_generate). */
export function ControlWidget({ name, value, onChange }: { name: string; value: ControlAfterGenerate; onChange: (v: ControlAfterGenerate) => void }) {
  return (
    <label className="widget widget-control nodrag">
      <span className="widget-label">control after generate</span>
      <select aria-label={`${name} control after generate`} value={value} onChange={(e) => onChange(e.target.value as ControlAfterGenerate)}>
        {CONTROLS.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

const SEARCHABLE_AT = 12;

/** A combo list; long lists get a search box. An empty list (no server to list model files) takes free text. */
export const ComboWidget = memo(function ComboWidget({ input, value, onChange, invalid }: WidgetProps) {
  const values = useMemo(() => (input.comboValues ?? []).map((v) => (typeof v === "string" ? v : JSON.stringify(v))), [input.comboValues]);
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener("pointerdown", close);
    return () => window.removeEventListener("pointerdown", close);
  }, [open]);

  if (values.length === 0) {
    return (
      <label className={`widget widget-text nodrag${invalid ? " invalid" : ""}`} title={invalid ?? "The list comes from a connected ComfyUI server"}>
        <span className="widget-label">{input.name}</span>
        <input aria-label={input.name} value={typeof value === "string" ? value : JSON.stringify(value)} onChange={(e) => onChange(e.target.value)} onKeyDown={(e) => e.stopPropagation()} />
      </label>
    );
  }
  const shown = filter ? values.filter((v) => v.toLowerCase().includes(filter.toLowerCase())) : values;
  const current = typeof value === "string" ? value : JSON.stringify(value);
  const choose = (v: string) => {
    const original = (input.comboValues ?? [])[values.indexOf(v)];
    onChange((original ?? v) as JsonValue);
    setOpen(false);
    setFilter("");
  };
  return (
    <div ref={ref} className={`widget widget-combo nodrag nowheel${invalid ? " invalid" : ""}`} title={invalid}>
      <button type="button" className="widget-combo-button" aria-label={input.name} aria-haspopup="listbox" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="widget-label">{input.name}</span>
        <span className="widget-value">{current}</span>
      </button>
      {open && (
        <div className="combo-popover">
          {values.length >= SEARCHABLE_AT && (
            <input
              autoFocus
              placeholder="Filter…"
              aria-label={`Filter ${input.name}`}
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value);
                setActive(0);
              }}
              onKeyDown={(e) => {
                e.stopPropagation();
                if (e.key === "ArrowDown") setActive((a) => Math.min(a + 1, shown.length - 1));
                if (e.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
                if (e.key === "Enter" && shown[active] !== undefined) choose(shown[active]);
                if (e.key === "Escape") setOpen(false);
              }}
            />
          )}
          <ul role="listbox" aria-label={`${input.name} values`}>
            {shown.map((v, i) => (
              <li key={v} role="option" aria-selected={v === current} className={i === active ? "active" : undefined} onPointerDown={(e) => e.preventDefault()} onClick={() => choose(v)}>
                {v}
              </li>
            ))}
            {shown.length === 0 && <li className="muted">No match</li>}
          </ul>
        </div>
      )}
    </div>
  );
});

/** Single-line or multiline text (prompts). */
export const TextWidget = memo(function TextWidget({ input, value, onChange, invalid }: WidgetProps) {
  const text = typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value);
  if (input.options.multiline) {
    return (
      <textarea
        className={`widget widget-multiline nodrag nowheel${invalid ? " invalid" : ""}`}
        aria-label={input.name}
        placeholder={input.name}
        title={invalid}
        value={text}
        rows={4}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => e.stopPropagation()}
      />
    );
  }
  return (
    <label className={`widget widget-text nodrag${invalid ? " invalid" : ""}`} title={invalid}>
      <span className="widget-label">{input.name}</span>
      <input aria-label={input.name} value={text} onChange={(e) => onChange(e.target.value)} onKeyDown={(e) => e.stopPropagation()} />
    </label>
  );
});

/** A boolean switch. */
export const ToggleWidget = memo(function ToggleWidget({ input, value, onChange }: WidgetProps) {
  return (
    <label className="widget widget-toggle nodrag">
      <span className="widget-label">{input.name}</span>
      <input type="checkbox" role="switch" aria-label={input.name} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
    </label>
  );
});
