import { randomUUID } from "node:crypto";
import type { Db } from "./db";

/**
 * The websocket client id Atelier uses with each ComfyUI server, created on first use and kept (migration 4).
 * ComfyUI sends a prompt's per-node messages (executing, progress, executed…) only to the client id that queued
 * it, so a restarted Atelier must connect as the same client to follow the runs it left executing.
 */
export function createComfyClientRepository(db: Db, deps: { now?: () => number; newId?: () => string } = {}) {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const stmt = {
    insert: db.prepare(`INSERT INTO comfy_clients (server_url, client_id, created_at) VALUES (?, ?, ?) ON CONFLICT(server_url) DO NOTHING`),
    get: db.prepare<[string], { client_id: string }>(`SELECT client_id FROM comfy_clients WHERE server_url = ?`),
  };

  return {
    /** The client id for the server at `serverUrl` (normalised by the caller), created and stored the first time. */
    clientIdFor(serverUrl: string): string {
      const found = stmt.get.get(serverUrl);
      if (found) return found.client_id;
      // Another process on the same database may have stored one meanwhile: the stored id wins.
      stmt.insert.run(serverUrl, newId(), now());
      return stmt.get.get(serverUrl)!.client_id;
    },
  };
}

export type ComfyClientRepository = ReturnType<typeof createComfyClientRepository>;
