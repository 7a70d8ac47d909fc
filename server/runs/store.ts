import type { RunError, RunOutput, RunRejection, RunStatus, RunView, NodeRunState, OutputMediaKind } from "@/lib/runs";
import type { ApiPrompt } from "@/server/comfyui";
import { AppError } from "@/server/errors";
import type { Db } from "@/server/store/db";

/**
 * The only code that reads and writes run records. A run row is rewritten
 * as a whole at each state transition (not at each step of a sampler), so a
 * crash loses at most the last transition, never an output row.
 */

type RunRow = {
  id: string;
  workflow_id: string | null;
  version_id: number | null;
  document_hash: string;
  graph_hash: string;
  unsaved: number;
  rerun_of: string | null;
  prompt: string;
  node_types: string;
  server_url: string;
  prompt_id: string | null;
  status: RunStatus;
  nodes: string;
  cached_nodes: string;
  error: string | null;
  rejection: string | null;
  detail: string | null;
  created_at: number;
  queued_at: number | null;
  started_at: number | null;
  finished_at: number | null;
};

type OutputRow = {
  run_id: string;
  idx: number;
  node_id: string;
  filename: string;
  subfolder: string;
  type: string;
  media: OutputMediaKind;
  local_path: string | null;
  bytes: number | null;
  content_type: string | null;
  problem: string | null;
  created_at: number;
};

/** A stored output with where its bytes are (relative to the data dir). */
export type StoredOutput = RunOutput & { localPath: string | null; contentType: string | null };

export type RunListFilter = {
  workflowId?: string;
  versionId?: number;
  status?: RunStatus[];
  /** Runs created strictly before this run's creation (pagination cursor). */
  before?: string;
  limit?: number;
};

export function outputUrl(runId: string, index: number): string {
  return `/files/runs/${encodeURIComponent(runId)}/${index}`;
}

function toOutput(r: OutputRow): StoredOutput {
  return {
    index: r.idx,
    nodeId: r.node_id,
    filename: r.filename,
    subfolder: r.subfolder,
    type: r.type,
    media: r.media,
    url: r.local_path ? outputUrl(r.run_id, r.idx) : null,
    bytes: r.bytes,
    problem: r.problem,
    localPath: r.local_path,
    contentType: r.content_type,
  };
}

export function createRunRepository(db: Db) {
  const outputsOf = db.prepare<[string], OutputRow>("SELECT * FROM run_outputs WHERE run_id = ? ORDER BY idx");

  function toView(r: RunRow): RunView {
    return {
      id: r.id,
      workflowId: r.workflow_id,
      versionId: r.version_id,
      documentHash: r.document_hash,
      graphHash: r.graph_hash,
      unsaved: r.unsaved === 1,
      rerunOf: r.rerun_of,
      serverUrl: r.server_url,
      promptId: r.prompt_id,
      status: r.status,
      queuePosition: null,
      createdAt: r.created_at,
      queuedAt: r.queued_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      nodes: JSON.parse(r.nodes) as Record<string, NodeRunState>,
      nodeTypes: JSON.parse(r.node_types) as Record<string, string>,
      cachedNodes: JSON.parse(r.cached_nodes) as string[],
      outputs: outputsOf.all(r.id).map(toOutput).map(({ localPath: _l, contentType: _c, ...o }) => o),
      error: r.error ? (JSON.parse(r.error) as RunError) : null,
      rejection: r.rejection ? (JSON.parse(r.rejection) as RunRejection) : null,
      detail: r.detail,
    };
  }

  const insertRun = db.prepare(
    `INSERT INTO runs (id, workflow_id, version_id, document_hash, graph_hash, unsaved, rerun_of, prompt, node_types, server_url, status, nodes, created_at)
     VALUES (@id, @workflowId, @versionId, @documentHash, @graphHash, @unsaved, @rerunOf, @prompt, @nodeTypes, @serverUrl, @status, @nodes, @createdAt)`,
  );
  const updateRun = db.prepare(
    `UPDATE runs SET prompt_id = @promptId, status = @status, nodes = @nodes, cached_nodes = @cachedNodes, error = @error, rejection = @rejection,
       detail = @detail, queued_at = @queuedAt, started_at = @startedAt, finished_at = @finishedAt WHERE id = @id`,
  );
  const getRow = db.prepare<[string], RunRow>("SELECT * FROM runs WHERE id = ?");
  const insertOutput = db.prepare(
    `INSERT OR REPLACE INTO run_outputs (run_id, idx, node_id, filename, subfolder, type, media, local_path, bytes, content_type, problem, created_at)
     VALUES (@runId, @idx, @nodeId, @filename, @subfolder, @type, @media, @localPath, @bytes, @contentType, @problem, @createdAt)`,
  );

  return {
    create(run: RunView, prompt: ApiPrompt): void {
      insertRun.run({
        id: run.id,
        workflowId: run.workflowId,
        versionId: run.versionId,
        documentHash: run.documentHash,
        graphHash: run.graphHash,
        unsaved: run.unsaved ? 1 : 0,
        rerunOf: run.rerunOf,
        prompt: JSON.stringify(prompt),
        nodeTypes: JSON.stringify(run.nodeTypes),
        serverUrl: run.serverUrl,
        status: run.status,
        nodes: JSON.stringify(run.nodes),
        createdAt: run.createdAt,
      });
    },

    /** Writes the mutable part of a run (status, nodes, times, errors). */
    update(run: RunView): void {
      updateRun.run({
        id: run.id,
        promptId: run.promptId,
        status: run.status,
        nodes: JSON.stringify(run.nodes),
        cachedNodes: JSON.stringify(run.cachedNodes),
        error: run.error ? JSON.stringify(run.error) : null,
        rejection: run.rejection ? JSON.stringify(run.rejection) : null,
        detail: run.detail,
        queuedAt: run.queuedAt,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      });
    },

    addOutput(runId: string, output: StoredOutput, createdAt: number): void {
      insertOutput.run({
        runId,
        idx: output.index,
        nodeId: output.nodeId,
        filename: output.filename,
        subfolder: output.subfolder,
        type: output.type,
        media: output.media,
        localPath: output.localPath,
        bytes: output.bytes,
        contentType: output.contentType,
        problem: output.problem,
        createdAt,
      });
    },

    get(id: string): RunView | undefined {
      const row = getRow.get(id);
      return row ? toView(row) : undefined;
    },

    getOrThrow(id: string): RunView {
      const row = getRow.get(id);
      if (!row) throw new AppError("NOT_FOUND", `There is no run "${id}".`, { details: { runId: id } });
      return toView(row);
    },

    getPromptOrThrow(id: string): ApiPrompt {
      const row = getRow.get(id);
      if (!row) throw new AppError("NOT_FOUND", `There is no run "${id}".`, { details: { runId: id } });
      return JSON.parse(row.prompt) as ApiPrompt;
    },

    getOutput(runId: string, index: number): StoredOutput | undefined {
      const row = db.prepare<[string, number], OutputRow>("SELECT * FROM run_outputs WHERE run_id = ? AND idx = ?").get(runId, index);
      return row ? toOutput(row) : undefined;
    },

    listOutputs(runId: string): StoredOutput[] {
      return outputsOf.all(runId).map(toOutput);
    },

    list(filter: RunListFilter = {}): { runs: RunView[]; nextBefore: string | null } {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, ...values: unknown[]) => {
        where.push(clause);
        params.push(...values);
      };
      if (filter.workflowId) add("workflow_id = ?", filter.workflowId);
      if (filter.versionId !== undefined) add("version_id = ?", filter.versionId);
      if (filter.status && filter.status.length > 0) add(`status IN (${filter.status.map(() => "?").join(",")})`, ...filter.status);
      const cursor = filter.before ? getRow.get(filter.before) : undefined;
      if (cursor) add("(created_at < ? OR (created_at = ? AND id < ?))", cursor.created_at, cursor.created_at, cursor.id);
      const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
      const rows = db
        .prepare<unknown[], RunRow>(`SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`)
        .all(...params);
      const page = rows.slice(0, limit);
      return { runs: page.map(toView), nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
    },

    /** Runs that were not finished when Atelier stopped. */
    listInFlight(): RunView[] {
      return db.prepare<[], RunRow>("SELECT * FROM runs WHERE status IN ('pending','queued','running')").all().map(toView);
    },

    countByVersion(versionIds: readonly number[]): Map<number, number> {
      const counts = new Map<number, number>();
      if (versionIds.length === 0) return counts;
      const rows = db
        .prepare<number[], { version_id: number; n: number }>(
          `SELECT version_id, COUNT(*) AS n FROM runs WHERE version_id IN (${versionIds.map(() => "?").join(",")}) GROUP BY version_id`,
        )
        .all(...versionIds);
      for (const r of rows) counts.set(r.version_id, r.n);
      return counts;
    },
  };
}

export type RunRepository = ReturnType<typeof createRunRepository>;
