import { z } from "zod";
import { zRecordOf } from "./records";

/**
 * Node definitions in the shape of ComfyUI's `GET /object_info`, so a saved
 * `/object_info`, a live server's answer and our bundled catalogue are
 * interchangeable. Schemas are loose (`looseObject`) on purpose: newer
 * ComfyUI versions add keys we must carry, not reject.
 */

/** Options of an input spec: `{ default, min, max, step, round, multiline, control_after_generate, options, tooltip, … }`. */
export const zInputOptions = z.looseObject({
  default: z.unknown().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
  round: z.union([z.number(), z.literal(false)]).optional(),
  multiline: z.boolean().optional(),
  control_after_generate: z.boolean().optional(),
  forceInput: z.boolean().optional(),
  defaultInput: z.boolean().optional(),
  lazy: z.boolean().optional(),
  rawLink: z.boolean().optional(),
  image_upload: z.boolean().optional(),
  /** New-style `["COMBO", { options: [...] }]` lists. */
  options: z.array(z.unknown()).optional(),
  tooltip: z.string().optional(),
});
export type InputOptions = z.infer<typeof zInputOptions>;

/**
 * An input spec: `[type]` or `[type, options]`, where type is a type name
 * ("INT", "IMAGE", "IMAGE,MASK", "*") or, for an old-style combo, the list
 * of allowed values.
 */
export const zInputSpec = z.union([
  z.tuple([z.union([z.string(), z.array(z.unknown())])]),
  z.tuple([z.union([z.string(), z.array(z.unknown())]), zInputOptions.nullish()]),
]);
export type InputSpec = z.infer<typeof zInputSpec>;

export const zNodeDefinition = z.looseObject({
  input: z.looseObject({
    required: zRecordOf(z.string(), zInputSpec).optional(),
    optional: zRecordOf(z.string(), zInputSpec).optional(),
    /** Hidden inputs are filled by the server (PROMPT, UNIQUE_ID, …); their specs may be bare strings. */
    hidden: zRecordOf(z.string(), z.unknown()).optional(),
  }),
  input_order: z
    .looseObject({
      required: z.array(z.string()).optional(),
      optional: z.array(z.string()).optional(),
      hidden: z.array(z.string()).optional(),
    })
    .optional(),
  output: z.array(z.union([z.string(), z.array(z.unknown())])),
  output_is_list: z.array(z.boolean().nullable()).optional(),
  output_name: z.array(z.string().nullable()).optional(),
  name: z.string(),
  display_name: z.string().nullish(),
  description: z.string().nullish(),
  python_module: z.string().optional(),
  category: z.string().nullish(),
  output_node: z.boolean().optional(),
  output_tooltips: z.array(z.string().nullish()).optional(),
  deprecated: z.boolean().optional(),
  experimental: z.boolean().optional(),
  api_node: z.boolean().optional(),
});
export type NodeDefinition = z.infer<typeof zNodeDefinition>;

/** A node catalogue: class_type → definition, exactly as `/object_info` returns it. */
export const zNodeCatalogue = zRecordOf(z.string(), zNodeDefinition);
export type NodeCatalogue = z.infer<typeof zNodeCatalogue>;
