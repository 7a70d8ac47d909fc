import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileToPrompt } from "@/lib/compile";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { hashDocument } from "@/lib/graph/hash";
import { validateDocument } from "@/lib/graph/validate";
import { importWorkflow } from "./detect";
import { exportUiWorkflow } from "./ui-export";

const corpus = join(import.meta.dirname, "../../../shared/corpus");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(corpus, "../comfyui/object_info.json"), "utf8")));

/** Files with no workflow in them at all: the corpus carries them as negative cases. */
const NO_WORKFLOW = new Set(["png/ComfyUI_examples__controlnet_pose_present.png", "webp/ComfyUI_frontend__workflowInMedia__no_workflow.webp"]);

describe("whole corpus", () => {
  it("imports, validates, compiles, exports and re-imports every file, keeping the semantic hash", () => {
    const counts = { files: 0, imported: 0, refused: 0, nodes: 0, issues: 0, promptNodes: 0, roundTrips: 0 };
    for (const dir of ["ui", "api", "png", "webp"]) {
      for (const name of readdirSync(join(corpus, dir))) {
        const file = `${dir}/${name}`;
        counts.files++;
        const result = importWorkflow(new Uint8Array(readFileSync(join(corpus, file))), { catalogue, fileName: name });
        if (!result.ok) {
          expect({ file, refused: true }).toEqual({ file, refused: NO_WORKFLOW.has(file) });
          expect(result.error.message.length).toBeGreaterThan(10);
          counts.refused++;
          continue;
        }
        counts.imported++;
        const doc = result.document;
        counts.nodes += doc.graph.nodes.length;
        counts.issues += validateDocument(doc, catalogue, { emptyCombos: "ignore" }).length;
        counts.promptNodes += Object.keys(compileToPrompt(doc, catalogue).prompt).length;
        const exported = JSON.stringify(exportUiWorkflow(doc, catalogue));
        const again = importWorkflow(exported, { catalogue, fileName: name });
        if (!again.ok) throw new Error(`${file}: re-import failed: ${again.error.message}`);
        expect({ file, hash: hashDocument(again.document) }).toEqual({ file, hash: hashDocument(doc) });
        counts.roundTrips++;
      }
    }
    console.log("corpus:", JSON.stringify(counts));
    expect(counts).toMatchObject({ files: 117, refused: 2, roundTrips: 115 });
  });
});
