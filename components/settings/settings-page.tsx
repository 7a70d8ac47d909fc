"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import { ErrorText } from "@/components/ui/error-text";
import type { ComfyServerInfo } from "@/server/comfyui/servers";
import type { ComfyStatus } from "@/server/runs/catalogue";
import type { TimeoutSetting } from "@/server/settings";
import styles from "./settings.module.css";

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

/** 25769803776 → "24.0 GB". */
function formatBytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** What a server answered: reachable with its devices and queue, or the error that names its URL. */
function StatusText({ status }: { status: ComfyStatus | undefined }) {
  if (!status) return <span className="muted">checking…</span>;
  if (!status.reachable) {
    return (
      <>
        <span className={styles.down}>unreachable</span> <span className="muted">{status.problem}</span>
      </>
    );
  }
  const devices = status.system?.devices ?? [];
  return (
    <>
      <span className={styles.up}>reachable</span>
      {status.system ? ` · ComfyUI ${status.system.comfyuiVersion}` : ""} · {status.queueRunning} running, {status.queuePending} waiting
      {devices.length > 0
        ? ` · ${devices.map((d) => (d.vramTotal > 0 ? `${d.name} (${formatBytes(d.vramTotal)} VRAM, ${formatBytes(d.vramFree)} free)` : d.name)).join(", ")}`
        : ""}
    </>
  );
}

/** One configured server: its status (asked on its own, so a dead server never holds up the others) and its actions. */
function ServerRow({ server, onChanged }: { server: ComfyServerInfo; onChanged: () => Promise<void> }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.catalogue.status.queryOptions({ serverUrl: server.url }, { refetchInterval: 10_000 }));
  const remove = useMutation(trpc.system.removeServer.mutationOptions({ onSuccess: onChanged }));
  const makeDefault = useMutation(trpc.system.setDefaultServer.mutationOptions({ onSuccess: onChanged }));
  return (
    <tr data-testid="settings-comfyui-server" data-url={server.url} data-default={server.isDefault ? "true" : "false"}>
      <td>
        {server.name ? <strong>{server.name} </strong> : null}
        <code>{server.url}</code>
        <div className="muted">
          {server.source === "env" ? "from COMFYUI_URL" : "added here"}
          {server.isDefault ? <span className={styles.badge}> · default</span> : null}
        </div>
      </td>
      <td data-testid={server.source === "env" ? "settings-comfyui-status" : "settings-server-status"}>
        <StatusText status={status.data} />
        <ErrorText error={status.error ?? remove.error ?? makeDefault.error} />
      </td>
      <td className={styles.actions}>
        {server.isDefault ? null : (
          <button type="button" onClick={() => makeDefault.mutate({ url: server.url })} disabled={makeDefault.isPending}>
            Make default
          </button>
        )}
        {server.source === "env" ? (
          <span className="muted" title="Change COMFYUI_URL and restart Atelier to change this server">
            (cannot be removed)
          </span>
        ) : (
          <button type="button" onClick={() => remove.mutate({ url: server.url })} disabled={remove.isPending}>
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

/** Adds a server: URL and an optional name, checked by the server; "Test" asks it before saving. */
function AddServerForm({ onChanged }: { onChanged: () => Promise<void> }) {
  const trpc = useTRPC();
  const [url, setUrl] = useState("");
  const [name, setName] = useState("");
  const add = useMutation(
    trpc.system.addServer.mutationOptions({
      onSuccess: async () => {
        setUrl("");
        setName("");
        test.reset();
        await onChanged();
      },
    }),
  );
  const test = useMutation(trpc.system.testServer.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ url, name: name.trim() || null });
  };
  return (
    <form className={styles.form} onSubmit={submit} data-testid="settings-add-server">
      <label>
        URL{" "}
        <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://192.168.1.20:8188" aria-label="Server URL" required />
      </label>
      <label>
        Name{" "}
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="optional, e.g. GPU box 2" aria-label="Server name" maxLength={100} />
      </label>
      <button type="button" onClick={() => test.mutate({ url })} disabled={test.isPending || url.trim() === ""}>
        {test.isPending ? "Testing…" : "Test"}
      </button>
      <button type="submit" className="primary" disabled={add.isPending}>
        Add server
      </button>
      {test.data ? (
        <p data-testid="settings-test-result">
          {test.data.url}: <StatusText status={test.data} />
        </p>
      ) : null}
      <ErrorText error={add.error ?? test.error} />
    </form>
  );
}

/** One timeout: its value and where it comes from; editable unless an environment variable sets it. */
function TimeoutRow({ timeout, onChanged }: { timeout: TimeoutSetting; onChanged: () => Promise<void> }) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<string | null>(null);
  const update = useMutation(
    trpc.system.updateTimeouts.mutationOptions({
      onSuccess: async () => {
        setDraft(null);
        await onChanged();
      },
    }),
  );
  const locked = timeout.source === "env";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft !== null) update.mutate({ changes: { [timeout.key]: draft } });
  };
  return (
    <tr data-testid={`settings-timeout-${timeout.key}`}>
      <td>{timeout.label}</td>
      <td>
        {locked ? (
          <>
            {formatMs(timeout.ms)} <span className="muted">({timeout.ms} ms)</span>
          </>
        ) : (
          <form className={styles.inline} onSubmit={submit} noValidate>
            <input
              type="number"
              min={1}
              step={1}
              value={draft ?? String(timeout.ms)}
              onChange={(e) => setDraft(e.target.value)}
              aria-label={`${timeout.label} timeout in milliseconds`}
            />{" "}
            ms <span className="muted">({formatMs(draft !== null && /^\d+$/.test(draft) ? Number(draft) : timeout.ms)})</span>
            {draft !== null && draft !== String(timeout.ms) ? (
              <button type="submit" disabled={update.isPending}>
                Save
              </button>
            ) : null}
          </form>
        )}
        <ErrorText error={update.error} />
      </td>
      <td>
        {locked ? (
          <span className={styles.env} title="The environment wins over this page">
            locked: set by {timeout.variable}
          </span>
        ) : timeout.source === "settings" ? (
          <>
            set here{" "}
            <button type="button" onClick={() => update.mutate({ changes: { [timeout.key]: null } })} disabled={update.isPending}>
              Reset to default ({formatMs(timeout.defaultMs)})
            </button>
          </>
        ) : (
          <span className="muted">default (or set {timeout.variable})</span>
        )}
      </td>
    </tr>
  );
}

/** The configuration in effect: ComfyUI servers and timeouts (editable here), and what the environment set. */
export function SettingsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.system.settings.queryOptions());
  const s = settings.data;
  const changed = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.system.settings.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.run.queue.queryKey() });
  };
  return (
    <section className="page" data-testid="settings-page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <p className="muted">
        ComfyUI servers and timeouts changed here take effect at once, without a restart, and are kept in the database. Everything else comes
        from environment variables read when the server starts (change them and restart Atelier); a timeout set by its environment variable is
        locked here. The README lists every variable.
      </p>
      <ErrorText error={settings.error} />

      <h2>ComfyUI servers</h2>
      <p className="muted">
        Runs go to the default server unless the editor&apos;s server picker (next to Run) names another. A server with runs queued or running
        cannot be removed until they end.
      </p>
      <table className={styles.table} data-testid="settings-comfyui">
        <tbody>
          {(s?.servers ?? []).map((server) => (
            <ServerRow key={server.url} server={server} onChanged={changed} />
          ))}
        </tbody>
      </table>
      <AddServerForm onChanged={changed} />

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
            <TimeoutRow key={t.key} timeout={t} onChanged={changed} />
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
