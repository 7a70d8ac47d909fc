import { zWorkflowDocument, type WorkflowDocument } from "@/lib/graph/model";
import { AppError } from "@/server/errors";
import type { Db } from "./db";

export type Draft = { workflowId: string; baseVersionId: number | null; document: WorkflowDocument; author: string; updatedAt: number };

/**
 * Autosaved drafts: one row per workflow, overwritten on every autosave and
 * never a version, so closing a tab loses nothing and history stays the
 * list of deliberate saves.
 */
export function createDraftRepository(db: Db, deps: { now?: () => number } = {}) {
  const now = deps.now ?? Date.now;
  const stmt = {
    upsert: db.prepare(
      `INSERT INTO drafts (workflow_id, base_version_id, body, author, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(workflow_id) DO UPDATE SET base_version_id = excluded.base_version_id, body = excluded.body,
         author = excluded.author, updated_at = excluded.updated_at`,
    ),
    get: db.prepare<[string], { workflow_id: string; base_version_id: number | null; body: string; author: string; updated_at: number }>(
      `SELECT * FROM drafts WHERE workflow_id = ?`,
    ),
    exists: db.prepare<[string], { id: string }>(`SELECT id FROM workflows WHERE id = ? AND deleted_at IS NULL`),
    remove: db.prepare(`DELETE FROM drafts WHERE workflow_id = ?`),
  };

  return {
    /** Overwrites the workflow's draft. */
    put(input: { workflowId: string; baseVersionId: number | null; document: WorkflowDocument; author?: string }): { updatedAt: number } {
      if (!stmt.exists.get(input.workflowId)) throw new AppError("NOT_FOUND", `Workflow ${input.workflowId} does not exist (it may have been deleted).`);
      const t = now();
      stmt.upsert.run(input.workflowId, input.baseVersionId, JSON.stringify(input.document), input.author ?? "", t);
      return { updatedAt: t };
    },

    /** The workflow's draft, if one was autosaved since its last save. */
    get(workflowId: string): Draft | undefined {
      const row = stmt.get.get(workflowId);
      if (!row) return undefined;
      const parsed = zWorkflowDocument.safeParse(JSON.parse(row.body));
      // A draft from an older document schema is not worth failing the editor over.
      if (!parsed.success) return undefined;
      return { workflowId: row.workflow_id, baseVersionId: row.base_version_id, document: parsed.data, author: row.author, updatedAt: row.updated_at };
    },

    discard(workflowId: string): void {
      stmt.remove.run(workflowId);
    },
  };
}

export type DraftRepository = ReturnType<typeof createDraftRepository>;
