import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { canonicalJson } from "@/lib/graph/hash";
import type { JsonValue, WorkflowDocument } from "@/lib/graph/model";
import { parseJsonText } from "@/lib/formats/json";
import { compareVersions, parseVersionOrThrow, type TemplateInterface } from "@/lib/semver";
import {
  applyParameters,
  getTemplateExportJsonSchema,
  planPublish,
  planTemplateUpgrade,
  TEMPLATE_EXPORT_FORMAT,
  TEMPLATE_VERSION_FORMAT,
  zTemplateExportFile,
  zTemplateVersionFile,
  type TemplateExportFile,
  type TemplateMetadata,
  type TemplateVersionFile,
} from "@/lib/templates";
import { AppError } from "@/server/errors";
import type { Db } from "@/server/store/db";
import type { TemplateRepository, TemplateVersionRecord } from "@/server/store/templates";
import type { WorkflowRepository } from "@/server/store/workflows";

/** One problem of an imported file, by JSON path. */
export type ImportProblem = { path: string; message: string };

let exportValidator: ReturnType<Ajv2020["compile"]> | undefined;
function validateExportShape(value: unknown): ImportProblem[] {
  // Compiled once per process: ajv code-generates the validator, which costs more than validating.
  exportValidator ??= new Ajv2020({ allErrors: true, strict: false }).compile(getTemplateExportJsonSchema());
  if (exportValidator(value)) return [];
  return (exportValidator.errors ?? []).slice(0, 20).map((e: ErrorObject) => ({ path: e.instancePath || "/", message: describeAjvError(e) }));
}

function describeAjvError(e: ErrorObject): string {
  const at = e.instancePath || "the file";
  switch (e.keyword) {
    case "required":
      return `${at} is missing "${(e.params as { missingProperty: string }).missingProperty}".`;
    case "const":
      return `${at} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}.`;
    case "enum":
      return `${at} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(", ")}.`;
    default:
      return `${at} ${e.message ?? "is invalid"}.`;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Templates: publish under semver, use (a workflow from a version with
 * parameters filled in), upgrade a workflow to a newer version, export and
 * import whole templates, and load the built-in ones from `workflows/`.
 */
export function createTemplateService(deps: { db: Db; templates: TemplateRepository; workflows: WorkflowRepository }) {
  const { db, templates, workflows } = deps;

  /** Writes one version after checking its bump against the latest; idempotent for an identical version. */
  function addVersion(file: TemplateVersionFile, options: { builtin: boolean; thumbnail?: string | null; onChanged: "throw-storage" | "throw-conflict" }): "added" | "unchanged" {
    const existing = templates.getVersion(file.id, file.version);
    const hashes = workflows.putDocument(file.document);
    if (existing) {
      const same =
        existing.documentHash === hashes.documentHash &&
        sameJson(existing.interface, file.interface) &&
        sameJson(existing.metadata, file.metadata) &&
        existing.changelog === file.changelog;
      if (same) return "unchanged";
      const message = `Template "${file.id}" version ${file.version} is already published with different content; published versions are immutable, publish a new version instead.`;
      throw new AppError(options.onChanged === "throw-storage" ? "STORAGE" : "CONFLICT", message);
    }
    if (!options.builtin && templates.isBuiltin(file.id)) {
      throw new AppError("BAD_INPUT", `"${file.id}" is a built-in template and only changes with Atelier itself; version ${file.version} cannot be added to it. Give the template a new id.`);
    }
    const latest = templates.getLatest(file.id);
    if (latest && compareVersions(parseVersionOrThrow(file.version), parseVersionOrThrow(latest.version)) < 0) {
      // An older version arriving late (import order) is fine as long as it does not already exist.
    } else {
      const plan = planPublish({ latest, requested: file.version, interface: file.interface });
      if (!plan.ok) throw new AppError("BAD_INPUT", `Template "${file.id}": ${plan.reason}`, { details: { required: plan.required, changes: plan.changes } });
    }
    const isNewest = !latest || compareVersions(parseVersionOrThrow(file.version), parseVersionOrThrow(latest.version)) > 0;
    if (isNewest || !templates.exists(file.id)) templates.upsertTemplate({ id: file.id, metadata: file.metadata, thumbnail: options.thumbnail, builtin: options.builtin });
    templates.insertVersion({
      templateId: file.id,
      version: file.version,
      interface: file.interface,
      metadata: file.metadata,
      changelog: file.changelog,
      renamedParameters: file.renamedParameters,
      documentHash: hashes.documentHash,
    });
    return "added";
  }

  function toFile(rec: TemplateVersionRecord): TemplateVersionFile {
    const file: TemplateVersionFile = {
      format: TEMPLATE_VERSION_FORMAT,
      formatVersion: 1,
      id: rec.templateId,
      version: rec.version,
      changelog: rec.changelog,
      metadata: rec.metadata,
      interface: rec.interface,
      document: workflows.getDocumentOrThrow(rec.documentHash),
    };
    if (rec.renamedParameters) file.renamedParameters = rec.renamedParameters;
    return file;
  }

  function sortFiles(files: TemplateVersionFile[]): TemplateVersionFile[] {
    return [...files].sort((a, b) => compareVersions(parseVersionOrThrow(a.version), parseVersionOrThrow(b.version)));
  }

  const publishTx = db.transaction((file: TemplateVersionFile) => addVersion(file, { builtin: false, onChanged: "throw-conflict" }));
  const importTx = db.transaction((file: TemplateExportFile) => {
    let added = 0;
    for (const v of sortFiles(file.versions)) {
      if (addVersion(v, { builtin: false, thumbnail: file.thumbnailSvg ?? null, onChanged: "throw-conflict" }) === "added") added++;
    }
    return added;
  });

  return {
    /**
     * Loads `workflows/<template>/<semver>.json` (+ `thumbnail.svg`) into the store; already-loaded identical versions are skipped.
     * @throws AppError STORAGE when a file is invalid or a published version's content changed.
     */
    loadBuiltins(dir: string): { templates: number; added: number } {
      if (!existsSync(dir)) return { templates: 0, added: 0 };
      let added = 0;
      let count = 0;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const folder = join(dir, entry.name);
        const thumbPath = join(folder, "thumbnail.svg");
        const thumbnail = existsSync(thumbPath) ? readFileSync(thumbPath, "utf8") : null;
        const files = readdirSync(folder)
          .filter((f) => f.endsWith(".json"))
          .map((f) => {
            const path = join(folder, f);
            const parsed = zTemplateVersionFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
            if (!parsed.success) {
              const issue = parsed.error.issues[0]!;
              throw new AppError("STORAGE", `Built-in template file ${path} is invalid at /${issue.path.join("/")}: ${issue.message}`);
            }
            if (parsed.data.id !== entry.name || `${parsed.data.version}.json` !== f) {
              throw new AppError("STORAGE", `Built-in template file ${path} says ${parsed.data.id}@${parsed.data.version}; its folder and name must match.`);
            }
            return parsed.data;
          });
        db.transaction(() => {
          for (const file of sortFiles(files)) if (addVersion(file, { builtin: true, thumbnail, onChanged: "throw-storage" }) === "added") added++;
        })();
        count++;
      }
      return { templates: count, added };
    },

    list: () => templates.list(),

    /** A template with every version (newest first), each with its document. */
    get(id: string) {
      const versions = templates.versions(id).map((rec) => ({ ...rec, document: workflows.getDocumentOrThrow(rec.documentHash) }));
      const summary = templates.list().find((t) => t.id === id)!;
      return { ...summary, versions };
    },

    getThumbnail: (id: string) => templates.getThumbnail(id),

    /**
     * Publishes a workflow's head (or a given version) as a new template or a new version of one.
     * The version is inferred from the interface diff when not given; a too-small bump is refused with the reason.
     */
    publish(input: {
      templateId: string;
      workflowId: string;
      versionId?: number;
      version?: string;
      interface: TemplateInterface;
      metadata: TemplateMetadata;
      changelog: string;
      renamedParameters?: Record<string, string>;
    }): { templateId: string; version: string; required: string | null; changes: { name: string; reason: string; bump: string }[] } {
      const document: WorkflowDocument =
        input.versionId !== undefined ? workflows.getVersionOrThrow(input.versionId).document : workflows.getOrThrow(input.workflowId).document;
      // Built-in versions come from files shipped with the code; a local version in between would collide with the next release.
      if (templates.isBuiltin(input.templateId)) {
        throw new AppError("BAD_INPUT", `"${input.templateId}" is a built-in template and only changes with Atelier itself; publish your version under a new template id.`);
      }
      const missing = applyParameters(document, input.interface).issues;
      if (missing.length > 0) throw new AppError("BAD_INPUT", missing.map((i) => i.message).join(" "));
      const latest = templates.getLatest(input.templateId);
      const plan = planPublish({ latest, requested: input.version, interface: input.interface });
      if (!plan.ok) throw new AppError("BAD_INPUT", plan.reason, { details: { required: plan.required, changes: plan.changes } });
      const file: TemplateVersionFile = {
        format: TEMPLATE_VERSION_FORMAT,
        formatVersion: 1,
        id: input.templateId,
        version: plan.version,
        changelog: input.changelog,
        metadata: input.metadata,
        interface: input.interface,
        document,
      };
      if (input.renamedParameters) file.renamedParameters = input.renamedParameters;
      const parsed = zTemplateVersionFile.safeParse(file);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new AppError("BAD_INPUT", `${issue.path.join(".") || "template"}: ${issue.message}`);
      }
      publishTx(parsed.data);
      workflows.setTemplate(input.workflowId, { id: input.templateId, version: plan.version });
      return { templateId: input.templateId, version: plan.version, required: plan.required, changes: plan.changes };
    },

    /** Creates a workflow from a template version (latest by default) with parameter values filled in. */
    use(input: { templateId: string; version?: string; values?: Record<string, JsonValue>; name?: string; author?: string }) {
      const rec = input.version ? templates.getVersionOrThrow(input.templateId, input.version) : templates.getLatest(input.templateId);
      if (!rec) throw new AppError("NOT_FOUND", `Template "${input.templateId}" does not exist.`);
      const base = workflows.getDocumentOrThrow(rec.documentHash);
      const { document, issues } = applyParameters(base, rec.interface, input.values ?? {});
      const name = input.name ?? rec.metadata.title;
      const workflow = workflows.create({
        name,
        document: { ...document, metadata: { ...document.metadata, name } },
        message: `Created from template ${rec.templateId}@${rec.version}`,
        author: input.author,
        template: { id: rec.templateId, version: rec.version },
      });
      return { workflow, issues };
    },

    /** What upgrading a workflow to `toVersion` (latest by default) would keep and lose; saves nothing. */
    planUpgrade(input: { workflowId: string; toVersion?: string }) {
      const wf = workflows.getOrThrow(input.workflowId);
      if (!wf.template) throw new AppError("BAD_INPUT", `Workflow "${wf.name}" was not made from a template, so it has nothing to upgrade.`);
      const from = templates.getVersionOrThrow(wf.template.id, wf.template.version);
      const to = input.toVersion ? templates.getVersionOrThrow(wf.template.id, input.toVersion) : templates.getLatest(wf.template.id)!;
      const plan = planTemplateUpgrade({
        from: { version: from.version, interface: from.interface, document: workflows.getDocumentOrThrow(from.documentHash) },
        to: { version: to.version, interface: to.interface, document: workflows.getDocumentOrThrow(to.documentHash), renamedParameters: to.renamedParameters },
        current: wf.document,
      });
      return { workflow: wf, from: from.version, to: to.version, ...plan };
    },

    /** Upgrades: saves the planned document as the new head (optimistic, like any save) and records the new template version. */
    upgrade(input: { workflowId: string; toVersion?: string; baseVersionId: number; author?: string }) {
      const plan = this.planUpgrade(input);
      const templateId = plan.workflow.template!.id;
      return db.transaction(() => {
        const saved = workflows.save({
          id: input.workflowId,
          baseVersionId: input.baseVersionId,
          document: plan.document,
          message: `Upgraded template ${templateId} ${plan.from} → ${plan.to}`,
          author: input.author,
        });
        workflows.setTemplate(input.workflowId, { id: templateId, version: plan.to });
        // created is false when the new version's graph with the person's values equals what they have: only the template pointer moves.
        return { version: saved.version, created: saved.created, from: plan.from, to: plan.to, carried: plan.carried, notCarried: plan.notCarried };
      })();
    },

    /** The whole template, every version, as one export file. */
    exportTemplate(id: string): TemplateExportFile {
      const versions = templates.versions(id).reverse().map(toFile);
      const thumbnail = templates.getThumbnail(id);
      return { format: TEMPLATE_EXPORT_FORMAT, formatVersion: 1, id, ...(thumbnail ? { thumbnailSvg: thumbnail } : {}), versions };
    },

    /**
     * Imports an export file (text): JSON syntax errors by line and column, shape errors by exact JSON path (JSON Schema via ajv).
     * Versions already present with identical content are skipped; a version present with other content is refused.
     */
    importTemplate(text: string): { templateId: string; added: number; versions: string[] } {
      const json = parseJsonText(text);
      if (!json.ok) {
        const where = json.error.line !== undefined ? ` (line ${json.error.line}, column ${json.error.column})` : "";
        throw new AppError("BAD_INPUT", `${json.error.message}${where}`, { details: { problems: [{ path: json.error.path, message: json.error.message }] } });
      }
      const problems = validateExportShape(json.value);
      if (problems.length > 0) {
        throw new AppError("BAD_INPUT", `The template file is not valid: ${problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join("; ")}`, {
          details: { problems },
        });
      }
      const parsed = zTemplateExportFile.safeParse(json.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const path = `/${issue.path.join("/")}`;
        throw new AppError("BAD_INPUT", `The template file is not valid: ${path}: ${issue.message}`, { details: { problems: [{ path, message: issue.message }] } });
      }
      const mismatched = parsed.data.versions.findIndex((v) => v.id !== parsed.data.id);
      if (mismatched >= 0) {
        throw new AppError("BAD_INPUT", `/versions/${mismatched}/id is "${parsed.data.versions[mismatched]!.id}" but the file is for template "${parsed.data.id}".`);
      }
      const added = importTx(parsed.data);
      return { templateId: parsed.data.id, added, versions: sortFiles(parsed.data.versions).map((v) => v.version) };
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
