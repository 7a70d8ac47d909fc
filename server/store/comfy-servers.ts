import type { Db } from "./db";

/** A ComfyUI server added on the settings page (migration 5). */
export type StoredComfyServer = { url: string; name: string | null; createdAt: number };

/**
 * The only SQL for what the settings page changes: the ComfyUI servers added there and the settings kept as one JSON
 * value a key (the default server, timeout overrides). The server URLs arrive normalised by the caller.
 */
export function createComfyServerRepository(db: Db, deps: { now?: () => number } = {}) {
  const now = deps.now ?? Date.now;
  const stmt = {
    list: db.prepare<[], { server_url: string; name: string | null; created_at: number }>(`SELECT server_url, name, created_at FROM comfy_servers ORDER BY created_at, server_url`),
    insert: db.prepare(`INSERT INTO comfy_servers (server_url, name, created_at) VALUES (?, ?, ?)`),
    delete: db.prepare(`DELETE FROM comfy_servers WHERE server_url = ?`),
    getSetting: db.prepare<[string], { value: string }>(`SELECT value FROM app_settings WHERE key = ?`),
    putSetting: db.prepare(`INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    deleteSetting: db.prepare(`DELETE FROM app_settings WHERE key = ?`),
  };

  return {
    listServers(): StoredComfyServer[] {
      return stmt.list.all().map((r) => ({ url: r.server_url, name: r.name, createdAt: r.created_at }));
    },

    /** @returns false when the URL was already stored (nothing changes then). */
    addServer(url: string, name: string | null): boolean {
      try {
        stmt.insert.run(url, name, now());
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") return false;
        throw error;
      }
    },

    /** @returns false when no such server was stored. */
    removeServer(url: string): boolean {
      return stmt.delete.run(url).changes > 0;
    },

    /** A setting's stored value, or undefined when it was never set (or was reset). */
    getSetting(key: string): unknown {
      const row = stmt.getSetting.get(key);
      return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
    },

    /** Stores a setting; undefined removes it (back to the default). */
    putSetting(key: string, value: unknown): void {
      if (value === undefined) stmt.deleteSetting.run(key);
      else stmt.putSetting.run(key, JSON.stringify(value), now());
    },

    /** Runs `fn` in one transaction: several changes land together or not at all. */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
  };
}

export type ComfyServerRepository = ReturnType<typeof createComfyServerRepository>;
