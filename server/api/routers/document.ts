import { z } from "zod";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { zWorkflowDocument } from "@/lib/graph/model";
import { convertDocument, MAX_JSON_BYTES } from "@/lib/formats";
import { publicProcedure, router } from "@/server/api/trpc";
import { checkWorkflowJson } from "@/server/documents/json-check";

const zJsonFormat = z.enum(["atelier", "ui", "api"]);

// The bundled catalogue until the server keeps one fetched from ComfyUI's /object_info.
const catalogue = BUNDLED_CATALOGUE;

export const documentRouter = router({
  /** JSON Schema (ajv) and import check of edited JSON text, every problem with its line and column. */
  validateJson: publicProcedure
    .input(z.object({ format: zJsonFormat, text: z.string().max(MAX_JSON_BYTES, "The JSON text is larger than a workflow may be") }))
    .mutation(({ input }) => checkWorkflowJson(input.format, input.text, catalogue)),

  /** A document as JSON text in one of the three forms; API issues say what did not compile as ComfyUI would. */
  convert: publicProcedure
    .input(z.object({ document: zWorkflowDocument, to: zJsonFormat }))
    .mutation(({ input }) => convertDocument(input.document, catalogue, input.to)),
});
