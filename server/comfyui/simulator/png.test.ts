import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32, decodePng, encodePng } from "./png";

describe("PNG encoder", () => {
  it("computes the standard CRC-32 check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.from("IEND"))).toBe(0xae426082);
  });

  it("decodes what it encodes, pixels and text chunks alike (seeded random images)", () => {
    const image = fc
      .record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }), channels: fc.constantFrom(3 as const, 4 as const) })
      .chain(({ width, height, channels }) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          channels: fc.constant(channels),
          pixels: fc.uint8Array({ minLength: width * height * channels, maxLength: width * height * channels }),
        }),
      );
    fc.assert(
      fc.property(image, fc.string({ maxLength: 20 }), (img, text) => {
        const decoded = decodePng(encodePng(img, { text: { prompt: text } }));
        expect(decoded).toEqual({ ...img, text: { prompt: Buffer.from(text, "latin1").toString("latin1") } });
      }),
      { seed: 424242, numRuns: 100 },
    );
  });

  it("undoes every PNG row filter (sub, up, average, paeth)", () => {
    // 2x4 RGB, one row per filter type, filtered by hand.
    const raw = Buffer.from([
      1, 10, 20, 30, 5, 5, 5, // sub: the second pixel is the first + 5
      2, 1, 1, 1, 1, 1, 1, // up: the row above + 1
      3, 0, 0, 0, 0, 0, 0, // average of left and up
      4, 0, 0, 0, 0, 0, 0, // paeth
    ]);
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(2, 0);
    ihdr.writeUInt32BE(4, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(Buffer.from(type), data));
      return Buffer.concat([len, Buffer.from(type), data, crc]);
    };
    const file = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
    expect([...decodePng(file)!.pixels]).toEqual([10, 20, 30, 15, 25, 35, 11, 21, 31, 16, 26, 36, 5, 10, 15, 10, 18, 25, 5, 10, 15, 10, 18, 25]);
  });

  it("returns null for bytes that are not a PNG it can read", () => {
    expect(decodePng(Buffer.from("GIF89a"))).toBeNull();
  });
});
