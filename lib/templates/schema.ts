import { z } from "zod";
import { zWorkflowDocument } from "@/lib/graph/model";
import { zRecordOf } from "@/lib/graph/records";
import { zTemplateInterface, zVersionString } from "@/lib/semver";

/**
 * Template files: one immutable file per published version
 * (`workflows/<template>/<semver>.json`), and one export file carrying a
 * whole template with every version, for moving templates between installs.
 */

export const TEMPLATE_VERSION_FORMAT = "atelier.template";
export const TEMPLATE_EXPORT_FORMAT = "atelier.template-export";

/** A template id: lowercase words joined by dashes ("txt2img-sdxl"), usable as a folder name and in a URL. */
export const zTemplateId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase letters and digits joined by dashes, such as txt2img-sdxl")
  .max(80);
export type TemplateId = z.infer<typeof zTemplateId>;

export const zMediaType = z.enum(["image", "video", "audio", "3d", "text"]);
export type MediaType = z.infer<typeof zMediaType>;

/** A model file the template needs, with the ComfyUI models folder it lives in. */
export const zRequiredModel = z.object({
  name: z.string().min(1),
  folder: z.string().min(1),
  /** Where a person can get it (shown, never fetched). */
  url: z.string().optional(),
});
export type RequiredModel = z.infer<typeof zRequiredModel>;

export const zTemplateMetadata = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(4000),
  category: z.string().min(1).max(80),
  tags: z.array(z.string().min(1).max(40)),
  mediaType: zMediaType,
  /** Node types the graph uses (class_type), so a server can be checked before running. */
  requiredNodes: z.array(z.string().min(1)),
  requiredModels: z.array(zRequiredModel),
  /** Smallest GPU memory (GB) the default settings run in. */
  minVramGb: z.number().nonnegative(),
});
export type TemplateMetadata = z.infer<typeof zTemplateMetadata>;

export const zTemplateVersionFile = z.object({
  format: z.literal(TEMPLATE_VERSION_FORMAT),
  formatVersion: z.literal(1),
  id: zTemplateId,
  version: zVersionString,
  /** What changed since the previous version, in words a user of the template cares about. */
  changelog: z.string().min(1),
  /** Parameters renamed in this version (new name → old name), so an upgrade carries their values over. */
  renamedParameters: zRecordOf(z.string(), z.string()).optional(),
  metadata: zTemplateMetadata,
  interface: zTemplateInterface,
  document: zWorkflowDocument,
});
export type TemplateVersionFile = z.infer<typeof zTemplateVersionFile>;

export const zTemplateExportFile = z.object({
  format: z.literal(TEMPLATE_EXPORT_FORMAT),
  formatVersion: z.literal(1),
  id: zTemplateId,
  /** SVG text of the card thumbnail. */
  thumbnailSvg: z.string().max(200_000).optional(),
  versions: z.array(zTemplateVersionFile).min(1),
});
export type TemplateExportFile = z.infer<typeof zTemplateExportFile>;

/**
 * The JSON Schema (draft 2020-12) of the export file, derived from the zod
 * schema so the two cannot drift; a validator such as ajv reports problems by
 * exact JSON path (`/versions/1/document/graph/nodes/3/id`).
 */
export function getTemplateExportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(zTemplateExportFile, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
