import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { zlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import { crc32, embedInPng, readPngText } from "./png";
import { readWebpText } from "./webp";

const corpus = join(import.meta.dirname, "../../../shared/corpus");
const read = (dir: string, name: string) => new Uint8Array(readFileSync(join(corpus, dir, name)));
const text = (dir: string, name: string) => readFileSync(join(corpus, dir, name), "utf8");

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const ascii = (s: string) => new TextEncoder().encode(s);
const minimalPng = () => concat(read("png", "ComfyUI_examples__controlnet_pose_present.png"));

describe("readPngText", () => {
  it("extracts workflow and prompt from every ComfyUI_examples PNG exactly as the corpus's extracted JSON", () => {
    const pngs = readdirSync(join(corpus, "png")).filter((f) => f.startsWith("ComfyUI_examples__") && !f.includes("pose_present"));
    expect(pngs.length).toBe(8);
    for (const file of pngs) {
      const result = readPngText(read("png", file));
      const base = file.replace(/\.png$/, ".json");
      expect(result).toEqual({ ok: true, entries: { workflow: text("ui", base), prompt: text("api", base) } });
    }
  });

  it("reads an uncompressed iTXt chunk after IDAT and reports a PNG without metadata as empty", () => {
    const itxt = readPngText(read("png", "ComfyUI_frontend__workflowInMedia__workflow_itxt.png"));
    expect(itxt.ok && Object.keys(itxt.entries)).toEqual(["workflow"]);
    expect(readPngText(read("png", "ComfyUI_examples__controlnet_pose_present.png"))).toEqual({ ok: true, entries: {} });
  });

  it("inflates zTXt and compressed iTXt chunks", () => {
    const png = minimalPng();
    const z = chunk("zTXt", concat(ascii("workflow\0\0"), zlibSync(ascii('{"nodes":[]}'))));
    const i = chunk("iTXt", concat(ascii("prompt\0\x01\0en\0\0"), zlibSync(ascii('{"1":"é"}'))));
    const withText = concat(png.subarray(0, 33), z, i, png.subarray(33));
    expect(readPngText(withText)).toEqual({ ok: true, entries: { workflow: '{"nodes":[]}', prompt: '{"1":"é"}' } });
  });

  it("names the chunk and byte offset of a corrupt compressed chunk", () => {
    const png = minimalPng();
    const bad = chunk("zTXt", ascii("workflow\0\0not zlib at all"));
    const result = readPngText(concat(png.subarray(0, 33), bad, png.subarray(33)));
    expect(result).toMatchObject({ ok: false, error: { offset: 33 } });
    expect(!result.ok && result.error.message).toContain("zTXt chunk at byte offset 33");
  });

  it("returns an error, never a throw, for every truncation of a PNG", () => {
    const png = read("png", "ComfyUI_frontend__workflowInMedia__workflow_itxt.png");
    for (let n = 0; n < png.length; n++) {
      const result = readPngText(png.subarray(0, n));
      // Cutting inside the final IEND leaves all text readable; anything earlier is reported.
      if (!result.ok) expect(result.error.message).toMatch(/truncated|Not a PNG|corrupt/);
    }
    expect(readPngText(png.subarray(0, 100))).toMatchObject({ ok: false, error: { message: expect.stringContaining("byte offset") } });
  });

  it("survives arbitrary byte corruption without throwing (property)", () => {
    const png = read("png", "ComfyUI_frontend__workflowInMedia__workflow_itxt.png");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(png.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const copy = png.slice();
        for (const [at, value] of edits) copy[at] = value;
        const result = readPngText(copy);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});

describe("embedInPng", () => {
  it("writes tEXt chunks with correct CRCs that read back, replacing earlier ones", () => {
    const png = minimalPng();
    const once = embedInPng(png, { workflow: { nodes: [], note: "ünï" }, prompt: { "1": { class_type: "A", inputs: {} } } });
    if (!once.ok) throw new Error(once.error.message);
    const twice = embedInPng(once.bytes, { workflow: { nodes: [1] } });
    if (!twice.ok) throw new Error(twice.error.message);
    expect(readPngText(twice.bytes)).toEqual({
      ok: true,
      entries: { workflow: '{"nodes":[1]}', prompt: '{"1":{"class_type":"A","inputs":{}}}' },
    });
    expect(readPngText(once.bytes)).toMatchObject({ ok: true, entries: { workflow: '{"nodes":[],"note":"\\u00fcn\\u00ef"}' } });
    // Every chunk's CRC checks out.
    const view = new DataView(twice.bytes.buffer);
    for (let at = 8; at < twice.bytes.length; ) {
      const length = view.getUint32(at);
      expect(view.getUint32(at + 8 + length)).toBe(crc32(twice.bytes.subarray(at + 4, at + 8 + length)));
      at += 12 + length;
    }
  });

  it("known CRC-32 value", () => {
    expect(crc32(ascii("IEND"))).toBe(0xae426082);
  });

  it("refuses bytes that are not a PNG", () => {
    expect(embedInPng(ascii("hello"), { workflow: {} })).toMatchObject({ ok: false, error: { offset: 0 } });
  });
});

describe("readWebpText", () => {
  it("reads workflow and prompt with and without the Exif prefix, and with IFD0 at 0x10", () => {
    const mochi = readWebpText(read("webp", "ComfyUI_examples__mochi_mochi_simple_checkpoint.webp"));
    expect(mochi).toEqual({
      ok: true,
      entries: { workflow: text("ui", "ComfyUI_examples__mochi_mochi_simple_checkpoint.webp.json"), prompt: text("api", "ComfyUI_examples__mochi_mochi_simple_checkpoint.webp.json") },
    });
    for (const file of ["ComfyUI_frontend__workflowInMedia__workflow.webp", "ComfyUI_frontend__workflowInMedia__edited_workflow.webp"]) {
      const result = readWebpText(read("webp", file));
      expect(result.ok && Object.keys(result.entries).sort()).toEqual(["prompt", "workflow"]);
      if (result.ok) expect(() => JSON.parse(result.entries.workflow!)).not.toThrow();
    }
    expect(readWebpText(read("webp", "ComfyUI_frontend__workflowInMedia__no_workflow.webp"))).toEqual({ ok: true, entries: {} });
  });

  it("reads a big-endian TIFF header", () => {
    const value = ascii("workflow:{}\0");
    const tiff = new Uint8Array(8 + 2 + 12 + 4 + value.length);
    const v = new DataView(tiff.buffer);
    tiff.set(ascii("MM"), 0);
    v.setUint16(2, 42);
    v.setUint32(4, 8);
    v.setUint16(8, 1);
    v.setUint16(10, 0x010f);
    v.setUint16(12, 2);
    v.setUint32(14, value.length);
    v.setUint32(18, 26);
    tiff.set(value, 26);
    const exif = concat(ascii("EXIF"), new Uint8Array(new Uint32Array([tiff.length]).buffer), tiff, tiff.length % 2 ? new Uint8Array(1) : new Uint8Array(0));
    const riff = concat(ascii("RIFF"), new Uint8Array(new Uint32Array([4 + exif.length]).buffer), ascii("WEBP"), exif);
    expect(readWebpText(riff)).toEqual({ ok: true, entries: { workflow: "{}" } });
  });

  it("returns an error, never a throw, for every truncation and corruption", () => {
    const webp = read("webp", "ComfyUI_frontend__workflowInMedia__edited_workflow.webp");
    for (let n = 0; n < webp.length; n++) expect(typeof readWebpText(webp.subarray(0, n)).ok).toBe("boolean");
    expect(readWebpText(webp.subarray(0, 200))).toMatchObject({ ok: false, error: { message: expect.stringContaining("truncated") } });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(webp.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const copy = webp.slice();
        for (const [at, value] of edits) copy[at] = value;
        expect(typeof readWebpText(copy).ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});
