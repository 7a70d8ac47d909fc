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
];
