/**
 * Schema migrations, applied in order at start-up inside one transaction
 * each. Never edit a released migration: add a new one.
 */
export type Migration = { version: number; name: string; sql: string };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "workflows, content-addressed documents, versions",
    sql: `
      CREATE TABLE workflows (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        head_id     INTEGER REFERENCES versions(id),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        deleted_at  INTEGER
      );
      -- Content-addressed bodies: a document saved twice is stored once.
      CREATE TABLE documents (
        hash        TEXT PRIMARY KEY,
        graph_hash  TEXT NOT NULL,
        body        TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );
      -- One row per save of a workflow; parent_id makes history a chain, or a tree after a restore.
      CREATE TABLE versions (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        workflow_id   TEXT NOT NULL REFERENCES workflows(id),
        document_hash TEXT NOT NULL REFERENCES documents(hash),
        parent_id     INTEGER REFERENCES versions(id),
        message       TEXT NOT NULL DEFAULT '',
        author        TEXT NOT NULL DEFAULT '',
        layout_only   INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL
      );
      CREATE INDEX versions_by_workflow ON versions(workflow_id, id);
      CREATE INDEX workflows_by_updated ON workflows(updated_at);
    `,
  },
  {
    version: 2,
    name: "drafts, workflow origin, templates and their immutable versions",
    sql: `
      -- The latest unsaved document of a workflow, overwritten on every autosave; never a version.
      CREATE TABLE drafts (
        workflow_id     TEXT PRIMARY KEY REFERENCES workflows(id),
        base_version_id INTEGER REFERENCES versions(id),
        body            TEXT NOT NULL,
        author          TEXT NOT NULL DEFAULT '',
        updated_at      INTEGER NOT NULL
      );
      -- A workflow created from (or upgraded to) a template version remembers it, so it can be upgraded later.
      ALTER TABLE workflows ADD COLUMN template_id TEXT;
      ALTER TABLE workflows ADD COLUMN template_version TEXT;
      CREATE TABLE templates (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        category    TEXT NOT NULL DEFAULT '',
        media_type  TEXT NOT NULL DEFAULT 'image',
        tags        TEXT NOT NULL DEFAULT '[]',
        thumbnail   TEXT,
        builtin     INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE TABLE template_versions (
        template_id   TEXT NOT NULL REFERENCES templates(id),
        version       TEXT NOT NULL,
        major         INTEGER NOT NULL,
        minor         INTEGER NOT NULL,
        patch         INTEGER NOT NULL,
        prerelease    TEXT NOT NULL DEFAULT '',
        interface     TEXT NOT NULL,
        metadata      TEXT NOT NULL,
        changelog     TEXT NOT NULL DEFAULT '',
        document_hash TEXT NOT NULL REFERENCES documents(hash),
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (template_id, version)
      );
      -- A published version is immutable: a fix is a new version.
      CREATE TRIGGER template_versions_immutable BEFORE UPDATE ON template_versions
        BEGIN SELECT RAISE(ABORT, 'template versions are immutable; publish a new version'); END;
      CREATE TRIGGER template_versions_undeletable BEFORE DELETE ON template_versions
        BEGIN SELECT RAISE(ABORT, 'template versions are immutable; publish a new version'); END;
    `,
  },
  {
    version: 3,
    name: "runs and their downloaded outputs",
    sql: `
      -- One run of a document on a ComfyUI server. No foreign key to workflows or versions:
      -- a run record outlives a deleted workflow (its outputs still trace to the document hash).
      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        workflow_id   TEXT,
        version_id    INTEGER,
        document_hash TEXT NOT NULL,
        graph_hash    TEXT NOT NULL,
        unsaved       INTEGER NOT NULL DEFAULT 0,
        rerun_of      TEXT,
        prompt        TEXT NOT NULL,
        node_types    TEXT NOT NULL DEFAULT '{}',
        server_url    TEXT NOT NULL,
        prompt_id     TEXT,
        status        TEXT NOT NULL,
        nodes         TEXT NOT NULL DEFAULT '{}',
        cached_nodes  TEXT NOT NULL DEFAULT '[]',
        error         TEXT,
        rejection     TEXT,
        detail        TEXT,
        created_at    INTEGER NOT NULL,
        queued_at     INTEGER,
        started_at    INTEGER,
        finished_at   INTEGER
      );
      CREATE INDEX runs_by_created ON runs(created_at DESC);
      CREATE INDEX runs_by_workflow ON runs(workflow_id, created_at DESC);
      CREATE INDEX runs_by_version ON runs(version_id);
      CREATE INDEX runs_by_status ON runs(status);
      CREATE TABLE run_outputs (
        run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx          INTEGER NOT NULL,
        node_id      TEXT NOT NULL,
        filename     TEXT NOT NULL,
        subfolder    TEXT NOT NULL,
        type         TEXT NOT NULL,
        media        TEXT NOT NULL,
        local_path   TEXT,
        bytes        INTEGER,
        content_type TEXT,
        problem      TEXT,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (run_id, idx)
      );
    `,
  },
  {
    version: 4,
    name: "one ComfyUI websocket client id per server, kept across restarts",
    sql: `
      -- ComfyUI sends a prompt's progress only to the client id that queued it: a restarted Atelier reconnects with the
      -- same id to hear the runs it left executing. Keyed by the server's base URL as the ComfyUI client normalises it.
      CREATE TABLE comfy_clients (
        server_url  TEXT PRIMARY KEY,
        client_id   TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "ComfyUI servers added on the settings page, and settings kept in the database",
    sql: `
      -- Servers a person added on the settings page (COMFYUI_URL is always a server too and is not stored here).
      -- Keyed by the base URL as the ComfyUI client normalises it, like comfy_clients.
      CREATE TABLE comfy_servers (
        server_url  TEXT PRIMARY KEY,
        name        TEXT,
        created_at  INTEGER NOT NULL
      );
      -- Values changed on the settings page (the default server, timeout overrides), one JSON value a key.
      CREATE TABLE app_settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
      );
    `,
  },
];
