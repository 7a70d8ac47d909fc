import { catalogueComboValues, checkTemplateAgainstCatalogue, type TemplateShortfall } from "@/lib/runs/requirements";
import type { ComfyClient } from "@/server/comfyui";
import type { TemplateService } from "./service";

export type TemplateRequirementsAnswer = {
  serverUrl: string;
  /** Why the server could not be checked (it did not answer, or answered something else); nothing is listed then. */
  problem: string | null;
  /** By template id, then version: what each checked version needs that the server lacks. Versions that run are absent. */
  shortfalls: Record<string, Record<string, TemplateShortfall>>;
};

/**
 * Checks templates against a ComfyUI server's node catalogue (cached per server): the node types their graphs use or
 * their metadata declares, and the model files they declare. With `templateId`, every version of that template;
 * otherwise the latest version of every template.
 */
export async function checkTemplateRequirements(comfy: ComfyClient, templates: TemplateService, options: { templateId?: string } = {}): Promise<TemplateRequirementsAnswer> {
  let catalogue;
  try {
    catalogue = (await comfy.getNodeCatalogue()).catalogue;
  } catch (error) {
    return { serverUrl: comfy.baseUrl, problem: `Could not check templates against ComfyUI at ${comfy.baseUrl}: ${(error as Error).message}`, shortfalls: {} };
  }
  const comboValues = catalogueComboValues(catalogue);
  const ids = options.templateId ? [options.templateId] : templates.list().map((t) => t.id);
  const shortfalls: TemplateRequirementsAnswer["shortfalls"] = {};
  for (const id of ids) {
    const versions = templates.get(id).versions;
    for (const version of options.templateId ? versions : versions.slice(0, 1)) {
      const shortfall = checkTemplateAgainstCatalogue(version, catalogue, comboValues);
      if (shortfall.nodeTypes.length === 0 && shortfall.models.length === 0) continue;
      (shortfalls[id] ??= {})[version.version] = shortfall;
    }
  }
  return { serverUrl: comfy.baseUrl, problem: null, shortfalls };
}
