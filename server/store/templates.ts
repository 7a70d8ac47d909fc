import { zTemplateMetadata, type TemplateMetadata } from "@/lib/templates/schema";
import { parseVersionOrThrow, zTemplateInterface, type TemplateInterface } from "@/lib/semver";
import { AppError } from "@/server/errors";
import type { Db } from "./db";

export type TemplateSummary = {
  id: string;
  title: string;
  description: string;
  category: string;
  mediaType: string;
  tags: string[];
  builtin: boolean;
  /** SVG text of the card picture (shown through an <img> data URI, so it cannot run script). */
  thumbnailSvg: string | null;
  latestVersion: string;
  /** Metadata of the latest version (required nodes, models, VRAM). */
  latest: TemplateMetadata;
  versionCount: number;
  updatedAt: number;
};

export type TemplateVersionRecord = {
  templateId: string;
  version: string;
  interface: TemplateInterface;
  metadata: TemplateMetadata;
  changelog: string;
  renamedParameters: Record<string, string> | undefined;
  documentHash: string;
  createdAt: number;
};

type VersionRow = {
  template_id: string;
  version: string;
  interface: string;
  metadata: string;
  changelog: string;
  document_hash: string;
  created_at: number;
};

// renamedParameters travel inside the stored metadata JSON under this key, so the immutable row needs no extra column.
const RENAMES_KEY = "__renamedParameters";

function toRecord(r: VersionRow): TemplateVersionRecord {
  const raw = JSON.parse(r.metadata) as Record<string, unknown>;
  const renames = raw[RENAMES_KEY] as Record<string, string> | undefined;
  delete raw[RENAMES_KEY];
  return {
    templateId: r.template_id,
    version: r.version,
    interface: zTemplateInterface.parse(JSON.parse(r.interface)),
    metadata: zTemplateMetadata.parse(raw),
    changelog: r.changelog,
    renamedParameters: renames,
    documentHash: r.document_hash,
    createdAt: r.created_at,
  };
}

/** Templates and their immutable, semver-ordered versions. Document bodies live in the shared content-addressed `documents` table. */
export function createTemplateRepository(db: Db, deps: { now?: () => number } = {}) {
  const now = deps.now ?? Date.now;
  // Releases before prereleases of the same number would be wrong, but '' sorts first ascending, so DESC puts '' (the release) above '-beta'.
  const ORDER = `major DESC, minor DESC, patch DESC, prerelease = '' DESC, prerelease DESC`;
  const stmt = {
    list: db.prepare<[], { id: string; title: string; description: string; category: string; media_type: string; tags: string; thumbnail: string | null; builtin: number; updated_at: number; n: number }>(
      `SELECT t.*, (SELECT COUNT(*) FROM template_versions v WHERE v.template_id = t.id) AS n FROM templates t ORDER BY t.title`,
    ),
    get: db.prepare<[string], { id: string; title: string; thumbnail: string | null; builtin: number }>(`SELECT id, title, thumbnail, builtin FROM templates WHERE id = ?`),
    versions: db.prepare<[string], VersionRow>(`SELECT * FROM template_versions WHERE template_id = ? ORDER BY ${ORDER}`),
    latest: db.prepare<[string], VersionRow>(`SELECT * FROM template_versions WHERE template_id = ? ORDER BY ${ORDER} LIMIT 1`),
    version: db.prepare<[string, string], VersionRow>(`SELECT * FROM template_versions WHERE template_id = ? AND version = ?`),
    upsert: db.prepare(
      `INSERT INTO templates (id, title, description, category, media_type, tags, thumbnail, builtin, created_at, updated_at)
       VALUES (@id, @title, @description, @category, @mediaType, @tags, @thumbnail, @builtin, @t, @t)
       ON CONFLICT(id) DO UPDATE SET title = @title, description = @description, category = @category, media_type = @mediaType,
         tags = @tags, thumbnail = COALESCE(@thumbnail, thumbnail), updated_at = @t`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO template_versions (template_id, version, major, minor, patch, prerelease, interface, metadata, changelog, document_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };

  return {
    list(): TemplateSummary[] {
      return stmt.list.all().flatMap((t) => {
        const latest = stmt.latest.get(t.id);
        if (!latest) return [];
        const rec = toRecord(latest);
        return [{
          id: t.id,
          title: t.title,
          description: t.description,
          category: t.category,
          mediaType: t.media_type,
          tags: JSON.parse(t.tags) as string[],
          builtin: t.builtin === 1,
          thumbnailSvg: t.thumbnail,
          latestVersion: rec.version,
          latest: rec.metadata,
          versionCount: t.n,
          updatedAt: t.updated_at,
        }];
      });
    },

    exists(id: string): boolean {
      return stmt.get.get(id) !== undefined;
    },

    isBuiltin(id: string): boolean {
      return stmt.get.get(id)?.builtin === 1;
    },

    getThumbnail(id: string): string | null {
      return stmt.get.get(id)?.thumbnail ?? null;
    },

    /** Every version, newest first. */
    versions(id: string): TemplateVersionRecord[] {
      if (!stmt.get.get(id)) throw new AppError("NOT_FOUND", `Template "${id}" does not exist.`);
      return stmt.versions.all(id).map(toRecord);
    },

    getLatest(id: string): TemplateVersionRecord | undefined {
      const row = stmt.latest.get(id);
      return row ? toRecord(row) : undefined;
    },

    getVersion(id: string, version: string): TemplateVersionRecord | undefined {
      const row = stmt.version.get(id, version);
      return row ? toRecord(row) : undefined;
    },

    getVersionOrThrow(id: string, version: string): TemplateVersionRecord {
      const rec = this.getVersion(id, version);
      if (!rec) throw new AppError("NOT_FOUND", `Template "${id}" has no version ${version}.`);
      return rec;
    },

    /** Creates or updates the template row from the newest version's metadata. */
    upsertTemplate(input: { id: string; metadata: TemplateMetadata; thumbnail?: string | null; builtin: boolean }): void {
      stmt.upsert.run({
        id: input.id,
        title: input.metadata.title,
        description: input.metadata.description,
        category: input.metadata.category,
        mediaType: input.metadata.mediaType,
        tags: JSON.stringify(input.metadata.tags),
        thumbnail: input.thumbnail ?? null,
        builtin: input.builtin ? 1 : 0,
        t: now(),
      });
    },

    /** Adds an immutable version row (the caller checks the bump and stores the document first). */
    insertVersion(input: Omit<TemplateVersionRecord, "createdAt">): void {
      const v = parseVersionOrThrow(input.version);
      const metadata = input.renamedParameters ? { ...input.metadata, [RENAMES_KEY]: input.renamedParameters } : input.metadata;
      stmt.insertVersion.run(
        input.templateId,
        input.version,
        v.major,
        v.minor,
        v.patch,
        v.prerelease.join("."),
        JSON.stringify(input.interface),
        JSON.stringify(metadata),
        input.changelog,
        input.documentHash,
        now(),
      );
    },
  };
}

export type TemplateRepository = ReturnType<typeof createTemplateRepository>;
