"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import type { TimeoutSetting } from "@/server/settings";
import styles from "./settings.module.css";

const TIMEOUT_LABELS: Record<TimeoutSetting["key"], string> = {
  connectMs: "Connect",
  readMs: "Read (each request)",
  queueMs: "Queue a prompt",
  imageDownloadMs: "Image download",
  videoDownloadMs: "Video download",
  generationMs: "Whole generation",
};

/** 90000 → "1 min 30 s": the table shows what a person would say, the raw milliseconds sit beside it. */
function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const parts: string[] = [];
  let s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || parts.length === 0) parts.push(`${s} s`);
  return parts.join(" ");
}

/** Read-only view of the configuration in effect and of the ComfyUI server's state. */
export function SettingsPage() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.system.settings.queryOptions());
  const status = useQuery(trpc.catalogue.status.queryOptions(undefined, { refetchInterval: 10_000 }));
  const s = settings.data;
  const c = status.data;
  return (
    <section className="page" data-testid="settings-page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <p className="muted">
        These values come from environment variables read when the server starts; change them in the environment and restart Atelier for
        them to take effect. The README lists every variable.
      </p>
      <ErrorText error={settings.error} />

      <h2>ComfyUI</h2>
      <table className={styles.table} data-testid="settings-comfyui">
        <tbody>
          <tr>
            <th>Server</th>
            <td>
              <code>{s?.comfyuiUrl ?? "…"}</code> <span className="muted">(COMFYUI_URL)</span>
            </td>
          </tr>
          <tr>
            <th>Status</th>
            <td data-testid="settings-comfyui-status">
              {!c ? (
                <span className="muted">checking…</span>
              ) : c.reachable ? (
                <>
                  <span className={styles.up}>reachable</span>
                  {c.system ? ` · ComfyUI ${c.system.comfyuiVersion}` : ""} · {c.queueRunning} running, {c.queuePending} waiting
                  {c.system && c.system.devices.length > 0 ? ` · ${c.system.devices.map((d) => d.name).join(", ")}` : ""}
                </>
              ) : (
                <>
                  <span className={styles.down}>unreachable</span> <span className="muted">{c.problem}</span>
                </>
              )}
            </td>
          </tr>
        </tbody>
      </table>

      <h2>Timeouts</h2>
      <table className={styles.table} data-testid="settings-timeouts">
        <thead>
          <tr>
            <th>what</th>
            <th>value</th>
            <th>source</th>
          </tr>
        </thead>
        <tbody>
          {(s?.timeouts ?? []).map((t) => (
            <tr key={t.key} data-testid={`settings-timeout-${t.key}`}>
              <td>{TIMEOUT_LABELS[t.key]}</td>
              <td>
                {formatMs(t.ms)} <span className="muted">({t.ms} ms)</span>
              </td>
              <td>
                {t.source === "env" ? <span className={styles.env}>set by {t.variable}</span> : <span className="muted">default (set {t.variable} to change)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Server</h2>
      <table className={styles.table} data-testid="settings-server">
        <tbody>
          <tr>
            <th>Listening on</th>
            <td>
              <code>{s ? `${s.host}:${s.port}` : "…"}</code> <span className="muted">(HOST, PORT)</span>
            </td>
          </tr>
          <tr>
            <th>Access token</th>
            <td>{s ? (s.tokenSet ? "set" : "not set") : "…"} <span className="muted">(ATELIER_TOKEN; never shown)</span></td>
          </tr>
          <tr>
            <th>Data directory</th>
            <td>
              <code>{s?.dataDir ?? "…"}</code> <span className="muted">(ATELIER_DATA_DIR)</span>
            </td>
          </tr>
          <tr>
            <th>Ollama</th>
            <td>
              <code>{s?.ollamaHost ?? "…"}</code> <span className="muted">(OLLAMA_HOST)</span>
            </td>
          </tr>
          <tr>
            <th>Log level</th>
            <td>
              <code>{s?.logLevel ?? "…"}</code> <span className="muted">(LOG_LEVEL)</span>
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
