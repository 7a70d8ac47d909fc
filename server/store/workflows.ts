import { createHash, randomUUID } from "node:crypto";
import { zWorkflowDocument, type WorkflowDocument } from "@/lib/graph/model";
import { AppError } from "@/server/errors";
import type { Db } from "./db";

export type WorkflowSummary = {
  id: string;
  name: string;
  headId: number | null;
  nodeCount: number;
  createdAt: number;
  updatedAt: number;
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

/** JSON with keys sorted at every level, so equal documents give equal bytes whatever their key order. */
function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as Record<string, unknown>).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

function hashDocumentForStore(doc: WorkflowDocument): Hashes {
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  return {
    documentHash: sha(stableStringify(doc)),
    graphHash: sha(stableStringify({ graph: doc.graph, subgraphs: doc.subgraphs ?? [] })),
  };
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

/**
 * The only code that reads and writes workflows, documents and versions.
 * Every write is one transaction, so a crash leaves either the whole save or none of it.
 */
export function createWorkflowRepository(db: Db, deps: { now?: () => number; newId?: () => string; hash?: (doc: WorkflowDocument) => Hashes } = {}) {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const hash = deps.hash ?? hashDocumentForStore;

  const stmt = {
    list: db.prepare<[], { id: string; name: string; head_id: number | null; created_at: number; updated_at: number; body: string | null }>(
      `SELECT w.id, w.name, w.head_id, w.created_at, w.updated_at, d.body
         FROM workflows w
         LEFT JOIN versions v ON v.id = w.head_id
         LEFT JOIN documents d ON d.hash = v.document_hash
        WHERE w.deleted_at IS NULL
        ORDER BY w.updated_at DESC, w.id`,
    ),
    getWorkflow: db.prepare<[string], { id: string; name: string; head_id: number | null; created_at: number; updated_at: number }>(
      `SELECT id, name, head_id, created_at, updated_at FROM workflows WHERE id = ? AND deleted_at IS NULL`,
    ),
    getVersion: db.prepare<[number], VersionRow>(
      `SELECT v.*, d.graph_hash FROM versions v JOIN documents d ON d.hash = v.document_hash WHERE v.id = ?`,
    ),
    getBody: db.prepare<[string], { body: string }>(`SELECT body FROM documents WHERE hash = ?`),
    insertWorkflow: db.prepare(`INSERT INTO workflows (id, name, head_id, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)`),
    insertDocument: db.prepare(`INSERT OR IGNORE INTO documents (hash, graph_hash, body, created_at) VALUES (?, ?, ?, ?)`),
    insertVersion: db.prepare(
      `INSERT INTO versions (workflow_id, document_hash, parent_id, message, author, layout_only, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    moveHead: db.prepare(`UPDATE workflows SET head_id = ?, updated_at = ? WHERE id = ?`),
    rename: db.prepare(`UPDATE workflows SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`),
    softDelete: db.prepare(`UPDATE workflows SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`),
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

  function writeVersion(workflowId: string, doc: WorkflowDocument, parent: VersionInfo | null, meta: { message?: string; author?: string }): VersionInfo {
    const hashes = hash(doc);
    const t = now();
    stmt.insertDocument.run(hashes.documentHash, hashes.graphHash, JSON.stringify(doc), t);
    const layoutOnly = parent !== null && parent.graphHash === hashes.graphHash;
    const info = stmt.insertVersion.run(workflowId, hashes.documentHash, parent?.id ?? null, meta.message ?? "", meta.author ?? "", layoutOnly ? 1 : 0, t);
    const id = Number(info.lastInsertRowid);
    stmt.moveHead.run(id, t, workflowId);
    return getVersionOrThrow(id);
  }

  const createTx = db.transaction((name: string, doc: WorkflowDocument, meta: { message?: string; author?: string }) => {
    const id = newId();
    const t = now();
    stmt.insertWorkflow.run(id, name, t, t);
    writeVersion(id, doc, null, meta);
    return id;
  });

  const saveTx = db.transaction((id: string, baseVersionId: number | null, doc: WorkflowDocument, meta: { message?: string; author?: string }): SaveResult => {
    const wf = stmt.getWorkflow.get(id);
    if (!wf) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist (it may have been deleted).`);
    if (wf.head_id !== baseVersionId) {
      throw new AppError(
        "CONFLICT",
        `Workflow "${wf.name}" was saved elsewhere since you opened it (you started from version ${baseVersionId ?? "none"}, the head is now ${wf.head_id}); reload or save as a branch.`,
        { details: { headId: wf.head_id, baseVersionId } },
      );
    }
    const head = wf.head_id === null ? null : getVersionOrThrow(wf.head_id);
    if (head && head.documentHash === hash(doc).documentHash) return { version: head, created: false };
    return { version: writeVersion(id, doc, head, meta), created: true };
  });

  return {
    list(): WorkflowSummary[] {
      return stmt.list.all().map((r) => ({
        id: r.id,
        name: r.name,
        headId: r.head_id,
        nodeCount: r.body ? (JSON.parse(r.body) as WorkflowDocument).graph.nodes.length : 0,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },

    /** Creates a workflow whose first version is `document`. */
    create(input: { name: string; document: WorkflowDocument; message?: string; author?: string }): WorkflowWithHead {
      const id = createTx(input.name, input.document, { message: input.message ?? "Created", author: input.author });
      return this.getOrThrow(id);
    },

    getOrThrow(id: string): WorkflowWithHead {
      const wf = stmt.getWorkflow.get(id);
      if (!wf) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist (it may have been deleted).`);
      if (wf.head_id === null) throw new AppError("STORAGE", `Workflow ${id} has no saved version.`);
      const head = getVersionOrThrow(wf.head_id);
      const body = stmt.getBody.get(head.documentHash);
      if (!body) throw new AppError("STORAGE", `Workflow ${id}: the document of version ${head.id} is missing.`);
      const document = parseBody(body.body, `of version ${head.id}`);
      return {
        id: wf.id,
        name: wf.name,
        headId: wf.head_id,
        nodeCount: document.graph.nodes.length,
        createdAt: wf.created_at,
        updatedAt: wf.updated_at,
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

    rename(id: string, name: string): void {
      if (stmt.rename.run(name, now(), id).changes === 0) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist.`);
    },

    delete(id: string): void {
      if (stmt.softDelete.run(now(), id).changes === 0) throw new AppError("NOT_FOUND", `Workflow ${id} does not exist.`);
    },
  };
}

export type WorkflowRepository = ReturnType<typeof createWorkflowRepository>;
