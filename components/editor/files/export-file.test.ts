import { inflateSync, unzlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import { compileToPrompt } from "@/lib/compile";
import { exportUiWorkflow, importWorkflow, readPngText } from "@/lib/formats";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { hashGraph } from "@/lib/graph/hash";
import { createStarterDocument } from "@/lib/graph/starter";
import { buildExport, toFileBaseName } from "./export-file";
import { encodeRgbPng, renderWorkflowPng } from "./png-image";

const catalogue = BUNDLED_CATALOGUE;
const doc = createStarterDocument("Lighthouse at dusk");
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("buildExport", () => {
  it("names each file after the workflow with a suffix per format", () => {
    expect((["ui", "api", "atelier", "png"] as const).map((f) => [buildExport(doc, catalogue, f).fileName, buildExport(doc, catalogue, f).mimeType])).toEqual([
      ["Lighthouse-at-dusk.json", "application/json"],
      ["Lighthouse-at-dusk.api.json", "application/json"],
      ["Lighthouse-at-dusk.atelier.json", "application/json"],
      ["Lighthouse-at-dusk.png", "image/png"],
    ]);
    expect(buildExport(doc, catalogue, "ui", "Other name").fileName).toBe("Other-name.json");
  });

  it("writes JSON that imports back to the same graph in every JSON format", () => {
    for (const format of ["ui", "atelier"] as const) {
      const back = importWorkflow(buildExport(doc, catalogue, format).bytes, { catalogue });
      if (!back.ok) throw new Error(back.error.message);
      expect({ format, hash: hashGraph(back.document.graph) }).toEqual({ format, hash: hashGraph(doc.graph) });
    }
    expect(JSON.parse(text(buildExport(doc, catalogue, "api").bytes))).toEqual(compileToPrompt(doc, catalogue).prompt);
  });

  it("embeds the UI workflow and the prompt in the PNG as ComfyUI does, so the PNG imports back", () => {
    const png = buildExport(doc, catalogue, "png").bytes;
    const chunks = readPngText(png);
    if (!chunks.ok) throw new Error(chunks.error.message);
    expect(Object.keys(chunks.entries).sort()).toEqual(["prompt", "workflow"]);
    expect(JSON.parse(chunks.entries.workflow!)).toEqual(JSON.parse(JSON.stringify(exportUiWorkflow(doc, catalogue))));
    expect(JSON.parse(chunks.entries.prompt!)).toEqual(compileToPrompt(doc, catalogue).prompt);
    const back = importWorkflow(png, { catalogue });
    if (!back.ok) throw new Error(back.error.message);
    expect(hashGraph(back.document.graph)).toBe(hashGraph(doc.graph));
  });
});

describe("toFileBaseName", () => {
  it("keeps letters, digits, dots, dashes and underscores, and is never empty", () => {
    expect(toFileBaseName("Café / portrait: v2")).toBe("Cafe-portrait-v2");
    expect(toFileBaseName("../../etc/passwd")).toBe("etc-passwd");
    expect(toFileBaseName("???")).toBe("workflow");
  });
});

function decodePng(png: Uint8Array): { width: number; height: number; pixel: (x: number, y: number) => number[] } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const joined = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let o = 0;
  for (const d of idat) {
    joined.set(d, o);
    o += d.length;
  }
  let raw: Uint8Array;
  try {
    raw = unzlibSync(joined);
  } catch {
    raw = inflateSync(joined);
  }
  const stride = width * 3 + 1;
  return { width, height, pixel: (x, y) => [...raw.subarray(y * stride + 1 + x * 3, y * stride + 1 + x * 3 + 3)] };
}

describe("workflow PNG", () => {
  it("encodes RGB pixels that decode back exactly", () => {
    const rgb = new Uint8Array(3 * 4 * 2).map((_, i) => (i * 37) % 256);
    const png = decodePng(encodeRgbPng(4, 2, rgb));
    expect([png.width, png.height]).toEqual([4, 2]);
    expect(png.pixel(3, 1)).toEqual([...rgb.subarray(21, 24)]);
    expect(png.pixel(0, 0)).toEqual([0, 37, 74]);
  });

  it("draws node boxes over the canvas colour", () => {
    const png = decodePng(renderWorkflowPng(doc, { width: 200, height: 100 }));
    expect([png.width, png.height]).toEqual([200, 100]);
    expect(png.pixel(0, 0)).toEqual([0x20, 0x20, 0x20]);
    let nodePixels = 0;
    for (let y = 0; y < 100; y++) for (let x = 0; x < 200; x++) if (png.pixel(x, y)[0] === 0x35) nodePixels++;
    expect(nodePixels).toBeGreaterThan(500);
  });
});
