import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "./bundled-catalogue";
import { zNodeCatalogue, type NodeDefinition } from "./catalogue";

const captured = zNodeCatalogue.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, "../../../shared/comfyui/object_info.json"), "utf8")),
);

/** The parts of a definition the bundled catalogue promises to reproduce (tooltips and descriptions may differ). */
function semanticView(def: NodeDefinition, options: { emptyFileLists: boolean }) {
  const section = (specs: Record<string, unknown> | undefined, order: string[] | undefined) =>
    (order ?? Object.keys(specs ?? {})).map((name) => {
      const [type, rawOptions] = specs?.[name] as [unknown, Record<string, unknown> | undefined];
      // server_files is our own marker for lists of a server's files (see bundled-catalogue.ts).
      const { tooltip: _tooltip, server_files: _serverFiles, ...opts } = rawOptions ?? {};
      // Lists of files on the capturing server (input images) are server state, not API.
      const fileList = options.emptyFileLists && opts.image_upload === true && Array.isArray(type);
      return { name, type: fileList ? [] : type, options: opts };
    });
  return {
    name: def.name,
    category: def.category,
    output_node: def.output_node,
    required: section(def.input.required, def.input_order?.required),
    optional: section(def.input.optional, def.input_order?.optional),
    output: def.output,
    output_name: def.output_name,
    output_is_list: def.output_is_list,
  };
}

describe("BUNDLED_CATALOGUE", () => {
  it("covers the core nodes Atelier's templates and tests rely on", () => {
    const core = [
      "CheckpointLoaderSimple", "CLIPTextEncode", "CLIPSetLastLayer", "KSampler", "KSamplerAdvanced", "EmptyLatentImage",
      "LatentUpscale", "LatentUpscaleBy", "VAEDecode", "VAEEncode", "VAEEncodeForInpaint", "VAEDecodeTiled", "VAELoader",
      "SetLatentNoiseMask", "LoraLoader", "LoraLoaderModelOnly", "ControlNetLoader", "ControlNetApply",
      "ControlNetApplyAdvanced", "UpscaleModelLoader", "ImageUpscaleWithModel", "ImageScale", "ImageScaleBy", "EmptyImage",
      "ImageInvert", "ImageBlur", "ImageSharpen", "SaveImage", "PreviewImage", "LoadImage", "LoadImageMask", "GetImageSize",
      "PreviewAny", "SaveImageWebsocket", "RegexReplace", "ImageBatch",
    ];
    expect(core.filter((type) => !(type in BUNDLED_CATALOGUE))).toEqual([]);
  });

  it("parses with the catalogue schema", () => {
    expect(zNodeCatalogue.safeParse(BUNDLED_CATALOGUE).success).toBe(true);
  });

  it.each(Object.keys(BUNDLED_CATALOGUE))("matches the captured /object_info definition of %s", (type) => {
    const ours = BUNDLED_CATALOGUE[type];
    const theirs = captured[type];
    expect(theirs, `${type} is not in the captured object_info`).toBeDefined();
    expect(semanticView(ours!, { emptyFileLists: false })).toEqual(semanticView(theirs!, { emptyFileLists: true }));
    expect(ours!.name).toBe(type);
  });
});
