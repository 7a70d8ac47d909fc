import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zNodeCatalogue, type NodeCatalogue } from "@/lib/graph/catalogue";
import { asNodeId, type GraphNode, type Subgraph } from "@/lib/graph/model";
import { importUiWorkflow } from "@/lib/formats/ui";
import { importApiPrompt, type ApiPrompt } from "@/lib/formats/api";
import { readPngText } from "@/lib/formats/png";
import { readWebpText } from "@/lib/formats/webp";
import { buildDocument, buildEdge, buildGraph, buildNode } from "@/lib/testing";
import { compileToPrompt } from "./compile";

const shared = join(import.meta.dirname, "../../../shared");
const catalogue: NodeCatalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "comfyui/object_info.json"), "utf8")));

const image = (id: string | number, overrides: Partial<GraphNode> = {}) =>
  buildNode(id, "EmptyImage", { widgets: { width: 64, height: 64, batch_size: 1, color: 0 }, ...overrides });
const invert = (id: string | number, overrides: Partial<GraphNode> = {}) => buildNode(id, "ImageInvert", overrides);
const save = (id: string | number) => buildNode(id, "SaveImage", { widgets: { filename_prefix: "x" } });

describe("compileToPrompt", () => {
  it("emits widgets by name, links as [id, slot] and the title in _meta", () => {
    const doc = buildDocument(buildGraph([image(1), invert(2, { title: "Flip" }), save(3)], [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "images")]));
    expect(compileToPrompt(doc, catalogue)).toEqual({
      issues: [],
      prompt: {
        "1": { class_type: "EmptyImage", inputs: { width: 64, height: 64, batch_size: 1, color: 0 }, _meta: { title: "EmptyImage" } },
        "2": { class_type: "ImageInvert", inputs: { image: ["1", 0] }, _meta: { title: "Flip" } },
        "3": { class_type: "SaveImage", inputs: { filename_prefix: "x", images: ["2", 0] }, _meta: { title: "Save Image" } },
      },
    });
  });

  it("drops a muted node and removes the inputs that depended on it", () => {
    const doc = buildDocument(buildGraph([image(1), invert(2, { mode: "muted" }), save(3)], [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "images")]));
    const { prompt } = compileToPrompt(doc, catalogue);
    expect(Object.keys(prompt)).toEqual(["1", "3"]);
    expect(prompt["3"]?.inputs).toEqual({ filename_prefix: "x" });
  });

  it("passes a link through a chain of bypassed nodes by matching type", () => {
    const doc = buildDocument(
      buildGraph([image(1), invert(2, { mode: "bypassed" }), invert(3, { mode: "bypassed" }), save(4)], [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "image"), buildEdge(3, 0, 4, "images")]),
    );
    const { prompt } = compileToPrompt(doc, catalogue);
    expect(prompt["4"]?.inputs.images).toEqual(["1", 0]);
    expect(Object.keys(prompt)).toEqual(["1", "4"]);
  });

  it("bypasses by the first input of the requested type, not by position", () => {
    // ImageCompositeMasked(destination IMAGE, source IMAGE, x, y, resize_source, mask MASK): a MASK consumer gets the mask input.
    const mask = buildNode(5, "SolidMask", { widgets: { value: 1, width: 8, height: 8 } });
    const composite = buildNode(2, "ImageCompositeMasked", { mode: "bypassed", widgets: { x: 0, y: 0, resize_source: false } });
    const toImage = buildNode(3, "MaskToImage");
    const doc = buildDocument(
      buildGraph([image(1), mask, composite, toImage, save(4)], [buildEdge(1, 0, 2, "destination"), buildEdge(5, 0, 2, "mask"), buildEdge(2, 0, 3, "mask"), buildEdge(3, 0, 4, "images")]),
    );
    // The composite's only output is IMAGE; a MASK input downstream finds the mask input by type.
    expect(compileToPrompt(doc, catalogue).prompt["3"]?.inputs.mask).toEqual(["5", 0]);
  });

  it("resolves Reroute chains and leaves notes out", () => {
    const doc = buildDocument(
      buildGraph(
        [image(1), buildNode(10, "Reroute"), buildNode(11, "Reroute"), buildNode(12, "Note", { widgets: { text: "hi" } }), save(3)],
        [buildEdge(1, 0, 10, ""), buildEdge(10, 0, 11, ""), buildEdge(11, 0, 3, "images")],
      ),
    );
    const { prompt, issues } = compileToPrompt(doc, catalogue);
    expect(issues).toEqual([]);
    expect(Object.keys(prompt)).toEqual(["1", "3"]);
    expect(prompt["3"]?.inputs.images).toEqual(["1", 0]);
  });

  it("writes a PrimitiveNode's value into the widget it drives", () => {
    const doc = buildDocument(
      buildGraph([buildNode(9, "PrimitiveNode", { widgets: { value: 512 } }), image(1, { widgets: { width: 64, height: 64, batch_size: 1, color: 0 } }), save(3)], [buildEdge(9, 0, 1, "width"), buildEdge(1, 0, 3, "images")]),
    );
    const { prompt } = compileToPrompt(doc, catalogue);
    expect(prompt["1"]?.inputs).toEqual({ width: 512, height: 64, batch_size: 1, color: 0 });
    expect(prompt["9"]).toBeUndefined();
  });

  it("carries a PrimitiveNode's value into a subgraph's widget input", () => {
    const sub: Subgraph = {
      id: "sized",
      name: "Sized",
      inputs: [{ name: "w", type: "INT" }],
      outputs: [{ name: "out", type: "IMAGE" }],
      graph: buildGraph([image(7)], [buildEdge("-10", 0, 7, "width"), buildEdge(7, 0, "-20", "out")]),
      layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
    };
    const doc = buildDocument(buildGraph([buildNode(9, "PrimitiveNode", { widgets: { value: 640 } }), buildNode(5, "sized"), save(3)], [buildEdge(9, 0, 5, "w"), buildEdge(5, 0, 3, "images")]), { subgraphs: [sub] });
    expect(compileToPrompt(doc, catalogue).prompt["5:7"]?.inputs.width).toBe(640);
  });

  it("wraps array widget values so ComfyUI does not read them as links", () => {
    const doc = buildDocument(buildGraph([buildNode(1, "Custom", { widgets: { list: ["a", 0] } })]));
    expect(compileToPrompt(doc, catalogue).prompt["1"]?.inputs).toEqual({ list: { __value__: ["a", 0] } });
  });

  it("flattens nested subgraphs into outer:inner ids, through the -10/-20 boundary", () => {
    const innerSub: Subgraph = {
      id: "inner",
      name: "Inner",
      inputs: [{ name: "img", type: "IMAGE" }],
      outputs: [{ name: "out", type: "IMAGE" }],
      graph: buildGraph([invert(7)], [buildEdge("-10", 0, 7, "image"), buildEdge(7, 0, "-20", "out")]),
      layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
    };
    const outerSub: Subgraph = {
      ...innerSub,
      id: "outer",
      name: "Outer",
      graph: buildGraph([buildNode(4, "inner")], [buildEdge("-10", 0, 4, "img"), buildEdge(4, 0, "-20", "out")]),
    };
    const doc = buildDocument(buildGraph([image(1), buildNode(5, "outer"), save(3)], [buildEdge(1, 0, 5, "img"), buildEdge(5, 0, 3, "images")]), { subgraphs: [innerSub, outerSub] });
    const { prompt, issues } = compileToPrompt(doc, catalogue);
    expect(issues).toEqual([]);
    expect(prompt).toEqual({
      "1": expect.objectContaining({ class_type: "EmptyImage" }),
      "3": { class_type: "SaveImage", inputs: { filename_prefix: "x", images: ["5:4:7", 0] }, _meta: { title: "Save Image" } },
      "5:4:7": { class_type: "ImageInvert", inputs: { image: ["1", 0] }, _meta: { title: "Invert Image" } },
    });
  });

  it("expands legacy group nodes into <instance>:<index> ids, widget values taken in order", () => {
    const imported = importUiWorkflow(JSON.parse(readFileSync(join(shared, "corpus/ui/ComfyUI_frontend__groupnodes__group_node_v1.3.3.json"), "utf8")), { catalogue });
    if (!imported.ok) throw new Error(imported.error.message);
    const { prompt, issues } = compileToPrompt(imported.document, catalogue);
    expect(issues).toEqual([]);
    expect(Object.keys(prompt).sort()).toEqual(["10:0", "10:1", "10:2", "10:3", "10:4", "10:5", "10:6"]);
    expect(prompt["10:4"]?.inputs).toEqual({
      seed: 156680208700286, steps: 20, cfg: 8, sampler_name: "euler", scheduler: "normal", denoise: 1,
      model: ["10:1", 0], positive: ["10:2", 0], negative: ["10:3", 0], latent_image: ["10:0", 0],
    });
  });

  it("feeds unlinked subgraph inputs from the instance's widget values, linked ones from outside", () => {
    const imported = importUiWorkflow(JSON.parse(readFileSync(join(shared, "corpus/ui/workflow_templates__video_wan2_2_14B_s2v.json"), "utf8")), { catalogue });
    if (!imported.ok) throw new Error(imported.error.message);
    const { prompt } = compileToPrompt(imported.document, catalogue);
    expect(prompt["85:77"]).toMatchObject({
      class_type: "KSampler",
      inputs: { seed: 250, steps: ["103", 0], cfg: ["105", 0], sampler_name: "uni_pc", scheduler: "simple", model: ["54", 0], positive: ["85:76", 0] },
    });
  });

  it("resolves a corpus Reroute node to the output behind it, and both reroute encodings compile alike", () => {
    const compileFile = (name: string) => {
      const imported = importUiWorkflow(JSON.parse(readFileSync(join(shared, "corpus/ui", name), "utf8")), { catalogue });
      if (!imported.ok) throw new Error(imported.error.message);
      return compileToPrompt(imported.document, catalogue);
    };
    expect(compileFile("ComfyUI_frontend__links__single_connected_reroute_node.json").prompt["12"]?.inputs.vae).toEqual(["4", 2]);
    expect(compileFile("ComfyUI_frontend__migration__fixtures__reroute__legacy__floating.json")).toEqual(
      compileFile("ComfyUI_frontend__migration__fixtures__reroute__native__floating.json"),
    );
  });

  it("keeps only the requested outputs and their ancestors", () => {
    const doc = buildDocument(buildGraph([image(1), invert(2), save(3), save(4)], [buildEdge(1, 0, 2, "image"), buildEdge(2, 0, 3, "images"), buildEdge(1, 0, 4, "images")]));
    expect(Object.keys(compileToPrompt(doc, catalogue, { outputs: ["4"] }).prompt)).toEqual(["1", "4"]);
    expect(compileToPrompt(doc, catalogue, { outputs: ["99"] }).issues).toEqual([expect.objectContaining({ code: "unknown-output", nodeId: "99" })]);
  });

  it("reports a link from a missing node and a reroute loop instead of throwing", () => {
    const doc = buildDocument(
      buildGraph([buildNode(10, "Reroute"), buildNode(11, "Reroute"), save(3), save(4)], [buildEdge(11, 0, 10, ""), buildEdge(10, 0, 11, ""), buildEdge(10, 0, 3, "images"), buildEdge(77, 0, 4, "images")]),
    );
    const { issues } = compileToPrompt(doc, catalogue);
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([["link-cycle", "3"], ["dangling-link", "4"]]);
  });

  it("compiles a 10,000-node chain of bypassed nodes and reroutes without recursion", () => {
    const nodes: GraphNode[] = [image(0)];
    const edges = [];
    for (let i = 1; i <= 10_000; i++) {
      nodes.push(i % 2 ? invert(i, { mode: "bypassed" }) : buildNode(i, "Reroute"));
      edges.push(buildEdge(i - 1, 0, i, i % 2 ? "image" : ""));
    }
    nodes.push(save(20_000));
    edges.push(buildEdge(10_000, 0, 20_000, "images"));
    const { prompt } = compileToPrompt(buildDocument(buildGraph(nodes, edges)), catalogue);
    expect(prompt["20000"]?.inputs.images).toEqual(["0", 0]);
  });

  it("never emits a link to a node missing from the prompt (property)", () => {
    const types = ["EmptyImage", "ImageInvert", "Reroute", "SaveImage", "PrimitiveNode", "Unknown"] as const;
    const modes = ["active", "muted", "bypassed"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom(...types), mode: fc.constantFrom(...modes) }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.record({ s: fc.nat(), t: fc.nat(), input: fc.constantFrom("image", "images", "", "width") }), { maxLength: 40 }),
        (specs, links) => {
          const nodes = specs.map((s, i) => buildNode(i, s.type, { mode: s.mode }));
          const edges = links.map((l, i) => ({ ...buildEdge(l.s % (nodes.length + 2), 0, l.t % nodes.length, l.input), id: `${i}` as never }));
          const { prompt } = compileToPrompt(buildDocument(buildGraph(nodes, dedupe(edges))), catalogue);
          for (const entry of Object.values(prompt)) {
            for (const value of Object.values(entry.inputs)) {
              if (Array.isArray(value)) expect(Object.hasOwn(prompt, String(value[0]))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function dedupe<T extends { target: string; targetInput: string }>(edges: T[]): T[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.target}|${e.targetInput}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe("compile of imported API prompts", () => {
  it("gives back every corpus API prompt's nodes and inputs unchanged", () => {
    const dir = join(shared, "corpus/api");
    const files = readdirSync(dir);
    expect(files.length).toBe(32);
    const strip = (p: ApiPrompt) => Object.fromEntries(Object.entries(p).map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]));
    for (const file of files) {
      const original = JSON.parse(readFileSync(join(dir, file), "utf8")) as ApiPrompt;
      const imported = importApiPrompt(original);
      if (!imported.ok) throw new Error(`${file}: ${imported.error.message}`);
      expect({ file, prompt: strip(compileToPrompt(imported.document, catalogue).prompt) }).toEqual({ file, prompt: strip(original) });
    }
  });
});

/**
 * Golden test against prompts ComfyUI's frontend really produced: every
 * corpus UI workflow whose prompt was captured with it (PNG/WebP pairs in
 * ui/ and api/). Allowed differences, each a change in ComfyUI since those
 * files were saved, not a compiler choice:
 * - inputs a node definition gained since (our compile sends their default,
 *   the old prompt lacks them; the importer warned "default-filled");
 * - the upload button's value ("upload" / "choose file to upload": "image")
 *   that old frontends serialised and the current one does not (the backend
 *   ignores inputs a definition does not declare);
 * - `_meta.title` of untitled nodes, which follows the catalogue's display name.
 * - seeds whose control_after_generate is not "fixed" may differ (none does here).
 * One file matches only up to node ids: the stable cascade workflow uses a
 * legacy group node, which we expand as today's frontend does (inner ids
 * `68:0`…`68:5`), while the frontend that wrote the PNG still used the inner
 * nodes' original ids (60…66). Every node, value and link agrees.
 */
describe("compile golden corpus", () => {
  const corpus = join(shared, "corpus");
  // Cases: the ui/ + api/ pairs of one base name, and every PNG/WebP carrying both workflow and prompt.
  const cases: { name: string; workflow: string; prompt: string }[] = [];
  for (const file of readdirSync(join(corpus, "ui"))) {
    if (existsSync(join(corpus, "api", file))) {
      cases.push({ name: `ui+api/${file}`, workflow: readFileSync(join(corpus, "ui", file), "utf8"), prompt: readFileSync(join(corpus, "api", file), "utf8") });
    }
  }
  for (const dir of ["png", "webp"]) {
    for (const file of readdirSync(join(corpus, dir))) {
      const bytes = new Uint8Array(readFileSync(join(corpus, dir, file)));
      const text = dir === "png" ? readPngText(bytes) : readWebpText(bytes);
      if (text.ok && text.entries.workflow !== undefined && text.entries.prompt !== undefined) {
        cases.push({ name: `${dir}/${file}`, workflow: text.entries.workflow, prompt: text.entries.prompt });
      }
    }
  }
  const IDS_DIFFER = new Set(["ui+api/ComfyUI_examples__stable_cascade_stable_cascade__inpaint_controlnet.json"]);

  function differences(workflow: string, promptText: string): string[] {
    const imported = importUiWorkflow(JSON.parse(workflow), { catalogue });
    if (!imported.ok) return [`import failed: ${imported.error.message}`];
    const filled = new Set(
      imported.warnings
        .filter((w) => w.code === "default-filled")
        .flatMap((w) => {
          const node = imported.document.graph.nodes.find((n) => n.id === w.nodeId);
          return ((node?.extra?.filledWidgets as string[]) ?? []).map((name) => `${w.nodeId}.${name}`);
        }),
    );
    const { prompt } = compileToPrompt(imported.document, catalogue);
    const expected = JSON.parse(promptText) as ApiPrompt;
    const out: string[] = [];
    for (const id of new Set([...Object.keys(prompt), ...Object.keys(expected)])) {
      const ours = prompt[id];
      const theirs = expected[id];
      if (!ours || !theirs) {
        out.push(`${id}: ${ours ? "extra" : "missing"} ${(ours ?? theirs)!.class_type}`);
        continue;
      }
      if (ours.class_type !== theirs.class_type) out.push(`${id}: class ${ours.class_type} vs ${theirs.class_type}`);
      const node = imported.document.graph.nodes.find((n) => n.id === asNodeId(id));
      const def = catalogue[ours.class_type];
      for (const name of new Set([...Object.keys(ours.inputs), ...Object.keys(theirs.inputs)])) {
        const a = JSON.stringify(ours.inputs[name]);
        const b = JSON.stringify(theirs.inputs[name]);
        if (a === b) continue;
        if (b === undefined && filled.has(`${id}.${name}`)) continue;
        if (a === undefined && def && !def.input.required?.[name] && !def.input.optional?.[name]) continue;
        if (node?.controls?.[name] && typeof ours.inputs[name] === "number") continue;
        out.push(`${id}.${name}: ${a} vs ${b}`);
      }
    }
    return out;
  }

  it("compiles every captured workflow to the prompt ComfyUI sent (allowing only documented version drift)", () => {
    expect(cases.length).toBe(26);
    const results = cases.map((c) => ({ name: c.name, diffs: differences(c.workflow, c.prompt) }));
    const matching = results.filter((r) => r.diffs.length === 0);
    console.log(`compile golden: ${matching.length}/${cases.length} match exactly; ${[...IDS_DIFFER].join(", ")} matches up to node ids`);
    for (const r of results) {
      if (IDS_DIFFER.has(r.name)) expect(r.diffs.length).toBeGreaterThan(0);
      else expect(r).toEqual({ name: r.name, diffs: [] });
    }
  });

  it("expands the legacy group node to the same nodes, values and links ComfyUI sent, up to ids", () => {
    for (const name of IDS_DIFFER) {
      const c = cases.find((x) => x.name === name)!;
      const imported = importUiWorkflow(JSON.parse(c.workflow), { catalogue });
      if (!imported.ok) throw new Error(imported.error.message);
      const ours = compileToPrompt(imported.document, catalogue).prompt;
      expect(signatures(ours)).toEqual(signatures(JSON.parse(c.prompt) as ApiPrompt));
    }
  });

  it("gives user-set titles exactly as ComfyUI did", () => {
    for (const c of cases) {
      const imported = importUiWorkflow(JSON.parse(c.workflow), { catalogue });
      if (!imported.ok) continue;
      const { prompt } = compileToPrompt(imported.document, catalogue);
      const expected = JSON.parse(c.prompt) as ApiPrompt;
      for (const node of imported.document.graph.nodes) {
        const theirs = expected[node.id]?._meta?.title;
        if (node.title !== undefined && theirs !== undefined) expect({ case: c.name, id: node.id, title: prompt[node.id]?._meta?.title }).toEqual({ case: c.name, id: node.id, title: theirs });
      }
    }
  });
});

/** Id-free description of every node: class, values, and the descriptions of what feeds each linked input. */
function signatures(prompt: ApiPrompt): string[] {
  const memo = new Map<string, string>();
  const sig = (id: string): string => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = prompt[id];
    if (!node) return "missing";
    const def = catalogue[node.class_type];
    // Inputs the definition does not declare (old frontends' upload button value) are ignored by ComfyUI, and here.
    const parts = Object.keys(node.inputs)
      .filter((name) => !def || def.input.required?.[name] !== undefined || def.input.optional?.[name] !== undefined)
      .sort()
      .map((name) => {
        const v = node.inputs[name];
        return Array.isArray(v) && v.length === 2 && typeof v[0] === "string" ? `${name}<-(${sig(v[0])})#${v[1]}` : `${name}=${JSON.stringify(v)}`;
      });
    const text = `${node.class_type}{${parts.join(",")}}`;
    memo.set(id, text);
    return text;
  };
  return Object.keys(prompt).map(sig).sort();
}
