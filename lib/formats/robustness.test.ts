import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileToPrompt } from "@/lib/compile";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { importWorkflow } from "./detect";
import { exportUiWorkflow } from "./ui-export";

const shared = join(import.meta.dirname, "../../../shared");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "comfyui/object_info.json"), "utf8")));
const seed = JSON.parse(readFileSync(join(shared, "corpus/ui/ComfyUI_examples__sdxl_sdxl_simple_example.json"), "utf8"));
const subgraphSeed = JSON.parse(readFileSync(join(shared, "corpus/ui/ComfyUI_frontend__subgraphs__nested-subgraph.json"), "utf8"));

/** Replaces the value at one random path of a JSON document with a random JSON value. */
function mutate(doc: unknown, picks: number[], replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  let parent: unknown = null;
  let key: string | number = "";
  let node: unknown = copy;
  for (const pick of picks) {
    if (node === null || typeof node !== "object") break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node;
    key = keys[pick % keys.length]!;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (parent === null) return replacement;
  (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

/** Everything downstream of an import must take whatever the importer produced without throwing. */
function roundTrip(input: string | Uint8Array): void {
  const result = importWorkflow(input, { catalogue });
  if (!result.ok) {
    expect(result.error.message.length).toBeGreaterThan(0);
    return;
  }
  const { prompt } = compileToPrompt(result.document, catalogue);
  for (const entry of Object.values(prompt)) {
    for (const value of Object.values(entry.inputs)) {
      if (Array.isArray(value)) expect(Object.hasOwn(prompt, String(value[0]))).toBe(true);
    }
  }
  const again = importWorkflow(JSON.stringify(exportUiWorkflow(result.document, catalogue)), { catalogue });
  expect(again.ok).toBe(true);
}

const apiSeed = JSON.parse(readFileSync(join(shared, "corpus/api/ComfyUI_examples__sdxl_sdxl_simple_example.json"), "utf8"));

describe("importers on hostile input", { timeout: 60_000 }, () => {
  it("never throw on corrupted UI workflows, and what they accept compiles and exports", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(seed, subgraphSeed, apiSeed),
        fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 }),
        (base, edits) => {
          let doc: unknown = base;
          for (const [picks, value] of edits) doc = mutate(doc, picks, value);
          roundTrip(JSON.stringify(doc));
        },
      ),
      { numRuns: 800 },
    );
  });

  it("never throw on arbitrary JSON or bytes", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => roundTrip(JSON.stringify(value))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => roundTrip(bytes)),
      { numRuns: 300 },
    );
  });
});
