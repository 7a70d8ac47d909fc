import { randomUUID } from "node:crypto";
import { hashDocument } from "@/lib/graph/hash";
import { zWorkflowDocument, type WorkflowDocument } from "@/lib/graph/model";
import { hashFullDocument } from "@/lib/versions/hash";
import { AppError } from "@/server/errors";
import type { Db } from "./db";

export type WorkflowSummary = {
  id: string;
  name: string;
  headId: number | null;
  nodeCount: number;
  createdAt: number;
  updatedAt: number;
  /** The template version this workflow was made from (or last upgraded to), if any. */
  template: { id: string; version: string } | null;
};

/** Who saved and why; every version carries both. */
export type SaveMeta = { message?: string; author?: string };

/** One row of a workflow's history. */
export type HistoryEntry = VersionInfo & {
  /** Runs that used this version; null until the run store is wired in (see `countRuns`). */
  runCount: number | null;
  isHead: boolean;
};

export type HistoryPage = {
  entries: HistoryEntry[];
  /** Pass as `before` to get the next (older) page; null at the first version. */
  nextBefore: number | null;
  total: number;
};

export type VersionInfo = {
  id: number;
  workflowId: string;
  documentHash: string;
  graphHash: string;
  parentId: number | null;
  message: string;
  author: string;
  layoutOnly: boolean;
  createdAt: number;
};

export type WorkflowWithHead = WorkflowSummary & { head: VersionInfo; document: WorkflowDocument };

export type SaveResult = { version: VersionInfo; created: boolean };

type Hashes = { documentHash: string; graphHash: string };

/**
 * The content address of a stored body (the whole document) and its semantic
 * hash (graph + subgraphs, what runs). Both come from lib/, so the editor can
 * compute the same values and tell "unchanged" or "layout only" before saving.
 */
export function hashForStore(doc: WorkflowDocument): Hashes {
  return { documentHash: hashFullDocument(doc), graphHash: hashDocument(doc) };
}

type VersionRow = {
  id: number;
  workflow_id: string;
  document_hash: string;
  graph_hash: string;
  parent_id: number | null;
  message: string;
  author: string;
  layout_only: number;
  created_at: number;
};

function toVersion(r: VersionRow): VersionInfo {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    documentHash: r.document_hash,
    graphHash: r.graph_hash,
    parentId: r.parent_id,
    message: r.message,
    author: r.author,
    layoutOnly: r.layout_only === 1,
    createdAt: r.created_at,
  };
}

type WorkflowRow = {
  id: string;
  name: string;
  head_id: number | null;
  created_at: number;
  updated_at: number;
  template_id: string | null;
  template_version: string | null;
};

function templateOf(r: { template_id: string | null; template_version: string | null }): WorkflowSummary["template"] {
  return r.template_id && r.template_version ? { id: r.template_id, version: r.template_version } : null;
}

export type WorkflowRepositoryDeps = {
  now?: () => number;
  newId?: () => string;
  hash?: (doc: WorkflowDocument) => Hashes;
  /**
   * How many runs used each version. The run store (a later issue) passes
   * this in; until then history shows `runCount: null` ("not tracked").
   */
  countRuns?: (versionIds: readonly number[]) => ReadonlyMap<number, number>;
};

/**
 * The only code that reads and writes workflows, documents and versions.
 * Every write is one transaction, so a crash leaves either the whole save or none of it.
 */
export function createWorkflowRepository(db: Db, deps: WorkflowRepositoryDeps = {}) {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const hash = deps.hash ?? hashForStore;

  const stmt = {
    // The node count from SQLite's JSON functions: the list never parses documents in JavaScript.
    list: db.prepare<[], WorkflowRow & { node_count: number | null }>(
      `SELECT w.id, w.name, w.head_id, w.created_at, w.updated_at, w.template_id, w.template_version,
              CASE WHEN json_valid(d.body) THEN json_array_length(d.body, '$.graph.nodes') END AS node_count
         FROM workflows w
         LEFT JOIN versions v ON v.id = w.head_id
         LEFT JOIN documents d ON d.hash = v.document_hash
        WHERE w.deleted_at IS NULL
        ORDER BY w.updated_at DESC, w.id`,
    ),
    getWorkflow: db.prepare<[string], WorkflowRow>(
      `SELECT id, name, head_id, created_at, updated_at, template_id, template_version FROM workflows WHERE id = ? AND deleted_at IS NULL`,
    ),
    getVersion: db.prepare<[number], VersionRow>(
      `SELECT v.*, d.graph_hash FROM versions v JOIN documents d ON d.hash = v.document_hash WHERE v.id = ?`,
    ),
    // Newest first, keyset-paginated on the (workflow_id, id) index: a page costs the same at version 10 and 10,000.
    history: db.prepare<[string, number, number], VersionRow>(
      `SELECT v.*, d.graph_hash FROM versions v JOIN documents d ON d.hash = v.document_hash
        WHERE v.workflow_id = ? AND v.id < ? ORDER BY v.id DESC LIMIT ?`,
    ),
    countVersions: db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM versions WHERE workflow_id = ?`),
    getBody: db.prepare<[string], { body: string }>(`SELECT body FROM documents WHERE hash = ?`),
    insertWorkflow: db.prepare(
      `INSERT INTO workflows (id, name, head_id, created_at, updated_at, template_id, template_version) VALUES (?, ?, NULL, ?, ?, ?, ?)`,
    ),
    insertDocument: db.prepare(`INSERT OR IGNORE INTO documents (hash, graph_hash, body, created_at) VALUES (?, ?, ?, ?)`),
    insertVersion: db.prepare(
      `INSERT INTO versions (workflow_id, document_hash, parent_id, message, author, layout_only, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    moveHead: db.prepare(`UPDATE workflows SET head_id = ?, updated_at = ? WHERE id = ?`),
    setTemplate: db.prepare(`UPDATE workflows SET template_id = ?, template_version = ? WHERE id = ?`),
    rename: db.prepare(`UPDATE workflows SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`),
    softDelete: db.prepare(`UPDATE workflows SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`),
    // A save supersedes the draft it grew from (same base); a draft of another tab on another base stays.
    dropDraftOnBase: db.prepare(`DELETE FROM drafts WHERE workflow_id = ? AND base_version_id IS ?`),
  };

  function parseBody(body: string, where: string): WorkflowDocument {
    const parsed = zWorkflowDocument.safeParse(JSON.parse(body));
    if (!parsed.success) {
      throw new AppError("STORAGE", `Stored document ${where} no longer matches the document schema: ${parsed.error.issues[0]?.message ?? "unknown"}`);
    }
    return parsed.data;
  }

  function getVersionOrThrow(id: number): VersionInfo {
    const row = stmt.getVersion.get(id);
    if (!row) throw new AppError("NOT_FOUND", `Version ${id} does not exist.`);
    return toVersion(row);
  }

  function getWorkflowRowOrThrow(id: string): WorkflowRow {
    const wf = stmt.getWorkflow.get(id);
    if (!wf) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist (it may have been deleted).`);
    return wf;
  }

  function readDocument(version: VersionInfo): WorkflowDocument {
    const body = stmt.getBody.get(version.documentHash);
    if (!body) throw new AppError("STORAGE", `The document of version ${version.id} is missing.`);
    return parseBody(body.body, `of version ${version.id}`);
  }

  function writeVersion(workflowId: string, doc: WorkflowDocument, parent: VersionInfo | null, meta: SaveMeta, known?: Hashes): VersionInfo {
    const hashes = known ?? hash(doc);
    const t = now();
    stmt.insertDocument.run(hashes.documentHash, hashes.graphHash, JSON.stringify(doc), t);
    const layoutOnly = parent !== null && parent.graphHash === hashes.graphHash;
    const info = stmt.insertVersion.run(workflowId, hashes.documentHash, parent?.id ?? null, meta.message ?? "", meta.author ?? "", layoutOnly ? 1 : 0, t);
    const id = Number(info.lastInsertRowid);
    stmt.moveHead.run(id, t, workflowId);
    return getVersionOrThrow(id);
  }

  function insertWorkflow(name: string, template: WorkflowSummary["template"]): string {
    const id = newId();
    const t = now();
    stmt.insertWorkflow.run(id, name, t, t, template?.id ?? null, template?.version ?? null);
    return id;
  }

  const createTx = db.transaction((name: string, doc: WorkflowDocument, meta: SaveMeta, template: WorkflowSummary["template"]) => {
    const id = insertWorkflow(name, template);
    writeVersion(id, doc, null, meta);
    return id;
  });

  function conflict(wf: WorkflowRow, baseVersionId: number | null): AppError {
    return new AppError(
      "CONFLICT",
      `Workflow "${wf.name}" was saved elsewhere since you opened it (you started from version ${baseVersionId ?? "none"}, the head is now ${wf.head_id}); view the diff, rebase your changes, or save them as a branch.`,
      { details: { headId: wf.head_id, baseVersionId } },
    );
  }

  const saveTx = db.transaction((id: string, baseVersionId: number | null, doc: WorkflowDocument, meta: SaveMeta): SaveResult => {
    const wf = getWorkflowRowOrThrow(id);
    if (wf.head_id !== baseVersionId) throw conflict(wf, baseVersionId);
    const head = wf.head_id === null ? null : getVersionOrThrow(wf.head_id);
    stmt.dropDraftOnBase.run(id, baseVersionId);
    // Hashing a big document costs more than the write: do it once.
    const hashes = hash(doc);
    if (head && head.documentHash === hashes.documentHash) return { version: head, created: false };
    return { version: writeVersion(id, doc, head, meta, hashes), created: true };
  });

  const restoreTx = db.transaction((id: string, versionId: number, baseVersionId: number | undefined, meta: SaveMeta): SaveResult => {
    const wf = getWorkflowRowOrThrow(id);
    if (baseVersionId !== undefined && wf.head_id !== baseVersionId) throw conflict(wf, baseVersionId);
    const target = getVersionOrThrow(versionId);
    if (target.workflowId !== id) throw new AppError("BAD_INPUT", `Version ${versionId} belongs to another workflow, not ${id}; fork it instead.`);
    const head = wf.head_id === null ? null : getVersionOrThrow(wf.head_id);
    if (head && head.documentHash === target.documentHash) return { version: head, created: false };
    return { version: writeVersion(id, readDocument(target), head, { message: meta.message ?? `Restored version ${versionId}`, author: meta.author }), created: true };
  });

  const forkTx = db.transaction((versionId: number, name: string | undefined, meta: SaveMeta) => {
    const source = getVersionOrThrow(versionId);
    const origin = getWorkflowRowOrThrow(source.workflowId);
    const newName = name ?? `${origin.name} (fork of v${versionId})`;
    const id = insertWorkflow(newName, templateOf(origin));
    writeVersion(id, readDocument(source), null, { message: meta.message ?? `Forked from "${origin.name}" version ${versionId}`, author: meta.author });
    return id;
  });

  const branchTx = db.transaction((fromId: string, baseVersionId: number, doc: WorkflowDocument, name: string | undefined, meta: SaveMeta) => {
    const origin = getWorkflowRowOrThrow(fromId);
    const base = getVersionOrThrow(baseVersionId);
    if (base.workflowId !== fromId) throw new AppError("BAD_INPUT", `Version ${baseVersionId} is not a version of workflow ${fromId}.`);
    const id = insertWorkflow(name ?? `${origin.name} (branch)`, templateOf(origin));
    // The branch starts with the version the person began from, then their changes on top, so its history shows what they changed.
    const first = writeVersion(id, readDocument(base), null, { message: `Branched from "${origin.name}" version ${baseVersionId}`, author: meta.author });
    if (first.documentHash !== hash(doc).documentHash) writeVersion(id, doc, first, meta);
    return id;
  });

  return {
    list(): WorkflowSummary[] {
      return stmt.list.all().map((r) => ({
        id: r.id,
        name: r.name,
        headId: r.head_id,
        nodeCount: r.node_count ?? 0,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        template: templateOf(r),
      }));
    },

    /** Creates a workflow whose first version is `document`. */
    create(input: { name: string; document: WorkflowDocument; message?: string; author?: string; template?: { id: string; version: string } }): WorkflowWithHead {
      const id = createTx(input.name, input.document, { message: input.message ?? "Created", author: input.author }, input.template ?? null);
      return this.getOrThrow(id);
    },

    /** The template version a workflow was made from, if any (no document read). */
    templateOf(id: string): { id: string; version: string } | null {
      return templateOf(getWorkflowRowOrThrow(id));
    },

    getOrThrow(id: string): WorkflowWithHead {
      const wf = getWorkflowRowOrThrow(id);
      if (wf.head_id === null) throw new AppError("STORAGE", `Workflow ${id} has no saved version.`);
      const head = getVersionOrThrow(wf.head_id);
      const document = readDocument(head);
      return {
        id: wf.id,
        name: wf.name,
        headId: wf.head_id,
        nodeCount: document.graph.nodes.length,
        createdAt: wf.created_at,
        updatedAt: wf.updated_at,
        template: templateOf(wf),
        head,
        document,
      };
    },

    /**
     * Saves `document` as the new head if the head is still `baseVersionId`.
     * An unchanged document creates nothing.
     * @throws AppError CONFLICT when another save moved the head first.
     */
    save(input: { id: string; baseVersionId: number | null; document: WorkflowDocument; message?: string; author?: string }): SaveResult {
      return saveTx(input.id, input.baseVersionId, input.document, { message: input.message, author: input.author });
    },

    /** One page of a workflow's versions, newest first (`before` = a version id from the previous page's `nextBefore`). */
    history(input: { id: string; before?: number; limit?: number }): HistoryPage {
      const wf = getWorkflowRowOrThrow(input.id);
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
      const rows = stmt.history.all(input.id, input.before ?? Number.MAX_SAFE_INTEGER, limit).map(toVersion);
      const runs = deps.countRuns?.(rows.map((r) => r.id));
      const entries = rows.map((v) => ({ ...v, runCount: runs ? (runs.get(v.id) ?? 0) : null, isHead: v.id === wf.head_id }));
      const last = rows[rows.length - 1];
      return {
        entries,
        nextBefore: rows.length === limit && last ? last.id : null,
        total: stmt.countVersions.get(input.id)!.n,
      };
    },

    /** A version's metadata and full document. */
    getVersionOrThrow(versionId: number): { version: VersionInfo; document: WorkflowDocument } {
      const version = getVersionOrThrow(versionId);
      return { version, document: readDocument(version) };
    },

    /**
     * Makes an old version's content the new head (parent = the current head, so nothing is lost).
     * @throws AppError CONFLICT when `baseVersionId` is given and the head moved.
     */
    restore(input: { id: string; versionId: number; baseVersionId?: number; message?: string; author?: string }): SaveResult {
      return restoreTx(input.id, input.versionId, input.baseVersionId, { message: input.message, author: input.author });
    },

    /** A new workflow whose first version is the content of `versionId` (of any workflow). */
    fork(input: { versionId: number; name?: string; message?: string; author?: string }): WorkflowWithHead {
      return this.getOrThrow(forkTx(input.versionId, input.name, { message: input.message, author: input.author }));
    },

    /**
     * After a conflict: a new workflow starting at `baseVersionId` (what the person opened) with their `document` as its head.
     */
    saveAsBranch(input: { id: string; baseVersionId: number; document: WorkflowDocument; name?: string; message?: string; author?: string }): WorkflowWithHead {
      return this.getOrThrow(branchTx(input.id, input.baseVersionId, input.document, input.name, { message: input.message ?? "Changes saved as a branch", author: input.author }));
    },

    /** Records which template version a workflow now follows. */
    setTemplate(id: string, template: { id: string; version: string } | null): void {
      getWorkflowRowOrThrow(id);
      stmt.setTemplate.run(template?.id ?? null, template?.version ?? null, id);
    },

    rename(id: string, name: string): void {
      if (stmt.rename.run(name, now(), id).changes === 0) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist.`);
    },

    delete(id: string): void {
      if (stmt.softDelete.run(now(), id).changes === 0) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist.`);
    },

    /** Stores a document body (content-addressed, idempotent) without making it a version; templates use it. */
    putDocument(doc: WorkflowDocument): Hashes {
      const hashes = hash(doc);
      stmt.insertDocument.run(hashes.documentHash, hashes.graphHash, JSON.stringify(doc), now());
      return hashes;
    },

    /** A stored body by its content hash. */
    getDocumentOrThrow(documentHash: string): WorkflowDocument {
      const body = stmt.getBody.get(documentHash);
      if (!body) throw new AppError("NOT_FOUND", `No stored document has hash ${documentHash.slice(0, 12)}….`);
      return parseBody(body.body, documentHash.slice(0, 12));
    },
  };
}

export type WorkflowRepository = ReturnType<typeof createWorkflowRepository>;
