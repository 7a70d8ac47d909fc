import { AppError } from "@/server/errors";
import { ComfyClient, normalizeComfyUrl, type ComfyClientOptions, type ComfyTimeouts } from "./client";

/** One configured ComfyUI server as the app lists it. */
export type ComfyServerInfo = {
  /** Normalised base URL (the run records' `serverUrl`). */
  url: string;
  name: string | null;
  /** "env": COMFYUI_URL, always configured; "settings": added on the settings page. */
  source: "env" | "settings";
  isDefault: boolean;
};

export type ComfyServerConfiguration = { servers: Omit<ComfyServerInfo, "isDefault">[]; defaultUrl: string };

export interface ComfyServersOptions {
  configuration: ComfyServerConfiguration;
  /** The websocket client id to use with a server (the app keeps one per server in SQLite); default a fresh one. */
  clientIdFor?: (url: string) => string;
  timeouts?: Partial<ComfyTimeouts>;
  /** Builds one server's client (tests give their own breaker or retries); default a plain ComfyClient. */
  createClient?: (options: ComfyClientOptions) => ComfyClient;
}

/**
 * Checks a ComfyUI address typed by a person.
 * @returns the normalised base URL, or a sentence saying what is wrong with `text`.
 */
export function checkComfyUrl(text: string): { ok: true; url: string } | { ok: false; problem: string } {
  const trimmed = text.trim();
  const shown = JSON.stringify(trimmed.slice(0, 200));
  if (trimmed === "") return { ok: false, problem: "The server URL is empty; give one like http://127.0.0.1:8188." };
  // "127.0.0.1:8188" or "localhost:8188": the most common slip, and "localhost:" would even parse as a scheme.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && /^[\w.-]+(:\d+)?(\/.*)?$/.test(trimmed)) {
    return { ok: false, problem: `${shown} has no http:// or https:// in front; did you mean "http://${trimmed}"?` };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: `${shown} is not a URL; give one like http://127.0.0.1:8188.` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, problem: `${shown} is not an http:// or https:// address (ComfyUI serves HTTP).` };
  if (url.username || url.password) return { ok: false, problem: `${shown} has a user name or password in it; Atelier does not keep credentials in server URLs.` };
  if (url.search || url.hash) return { ok: false, problem: `${shown} has a query or fragment; give only the server's base address (a path prefix is fine).` };
  return { ok: true, url: normalizeComfyUrl(url.toString()) };
}

/**
 * Every ComfyUI server the app talks to: one client each (one client id, one websocket, one circuit breaker, one
 * node catalogue cache), created on first use and closed on shutdown. Knows which servers are configured and which
 * one is the default; a run recorded on a server removed since still gets a client for its URL.
 */
export class ComfyServers {
  private readonly clients = new Map<string, ComfyClient>();
  private configuration: ComfyServerConfiguration;
  private timeouts: Partial<ComfyTimeouts>;
  private closed = false;

  constructor(private readonly options: ComfyServersOptions) {
    this.configuration = options.configuration;
    this.timeouts = options.timeouts ?? {};
  }

  /** The configured servers, COMFYUI_URL's first. */
  list(): ComfyServerInfo[] {
    return this.configuration.servers.map((s) => ({ ...s, isDefault: s.url === this.configuration.defaultUrl }));
  }

  get defaultUrl(): string {
    return this.configuration.defaultUrl;
  }

  /** The default server's client. */
  get default(): ComfyClient {
    return this.client(this.configuration.defaultUrl);
  }

  /** True when `url` (in any spelling that normalises the same) is a configured server. */
  isConfigured(url: string): boolean {
    const checked = checkComfyUrl(url);
    return checked.ok && this.configuration.servers.some((s) => s.url === checked.url);
  }

  /**
   * The client of a configured server; the default one without a URL.
   * @throws AppError BAD_INPUT naming the URL and the configured servers when `url` is not one of them.
   */
  resolve(url?: string | null): ComfyClient {
    if (url === undefined || url === null) return this.default;
    const checked = checkComfyUrl(url);
    if (checked.ok && this.configuration.servers.some((s) => s.url === checked.url)) return this.client(checked.url);
    const known = this.list()
      .map((s) => `${s.url}${s.isDefault ? " (default)" : ""}`)
      .join(", ");
    throw new AppError("BAD_INPUT", `ComfyUI server ${JSON.stringify(url)} is not configured in Atelier (configured: ${known}); add it on the settings page first.`, {
      details: { serverUrl: url, configured: this.configuration.servers.map((s) => s.url) },
    });
  }

  /** The client for any server URL, configured or not (runs recorded on a server that was removed since). */
  client(url: string): ComfyClient {
    // Callers mostly pass a URL normalised already (run records, the list): skip parsing it again on the run path.
    const known = this.clients.get(url);
    if (known) return known;
    const key = normalizeComfyUrl(url);
    let client = this.clients.get(key);
    if (!client) {
      const options: ComfyClientOptions = { baseUrl: key, clientId: this.options.clientIdFor?.(key), timeouts: this.timeouts };
      client = this.options.createClient ? this.options.createClient(options) : new ComfyClient(options);
      // After close(), a late caller still gets a client, but it is not kept (nothing would close it).
      if (!this.closed) this.clients.set(key, client);
    }
    return client;
  }

  /** Clients created so far (every configured server that was used, and servers of recovered runs). */
  activeClients(): ComfyClient[] {
    return [...this.clients.values()];
  }

  /**
   * Replaces the list of configured servers. The clients of servers just removed are closed (the caller made sure no
   * run is in flight there); a client made for an unlisted server (a recovered run's) is left alone.
   */
  configure(configuration: ComfyServerConfiguration): void {
    if (!configuration.servers.some((s) => s.url === configuration.defaultUrl)) {
      throw new AppError("INTERNAL", `The default ComfyUI server ${configuration.defaultUrl} is not among the configured ones.`);
    }
    const removed = this.configuration.servers.filter((before) => !configuration.servers.some((s) => s.url === before.url));
    this.configuration = configuration;
    for (const { url } of removed) {
      this.clients.get(url)?.close();
      this.clients.delete(url);
    }
  }

  /** New deadlines for every client, now and later: each request started from now on uses them. */
  setTimeouts(timeouts: Partial<ComfyTimeouts>): void {
    this.timeouts = timeouts;
    for (const client of this.clients.values()) client.setTimeouts(timeouts);
  }

  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
