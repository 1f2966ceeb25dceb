import { describe, expect, it } from "vitest";
import { ByteChecker, scanUtf8, sniffFileType } from "./check-csv-bytes";

const bytes = (...b: number[]) => Uint8Array.from(b);

describe("scanUtf8", () => {
  it("accepts well-formed text and reports an incomplete tail", () => {
    expect(scanUtf8(Buffer.from("a é € 𝄞"))).toEqual({ invalidAt: -1, tail: 0 });
    expect(scanUtf8(bytes(0x61, 0xe2, 0x82))).toEqual({ invalidAt: -1, tail: 2 });
    expect(scanUtf8(bytes(0xf0, 0x9d))).toEqual({ invalidAt: -1, tail: 2 });
  });

  it("rejects what Unicode calls ill-formed", () => {
    expect(scanUtf8(bytes(0x61, 0x80)).invalidAt).toBe(1); // lone continuation byte
    expect(scanUtf8(bytes(0xc0, 0xaf)).invalidAt).toBe(0); // overlong "/"
    expect(scanUtf8(bytes(0xe0, 0x80, 0xaf)).invalidAt).toBe(0); // overlong 3-byte
    expect(scanUtf8(bytes(0xed, 0xa0, 0x80)).invalidAt).toBe(0); // surrogate U+D800
    expect(scanUtf8(bytes(0xf4, 0x90, 0x80, 0x80)).invalidAt).toBe(0); // above U+10FFFF
    expect(scanUtf8(bytes(0x61, 0xe9, 0x61)).invalidAt).toBe(1); // Latin-1 é
  });
});

describe("ByteChecker", () => {
  it("counts lines across chunks", () => {
    const c = new ByteChecker();
    expect(c.check(Buffer.from("a\nb\n"))).toBeUndefined();
    expect(c.check(Buffer.from("c\nd\xff", "latin1"))).toEqual({ line: 4, message: expect.stringMatching(/0xFF/) });
  });

  it("flags a character left unfinished at the end", () => {
    const c = new ByteChecker();
    expect(c.check(bytes(0x61, 0x0a, 0xe2, 0x82))).toBeUndefined();
    expect(c.finish()).toEqual({ line: 2, message: expect.stringMatching(/0xE2/) });
  });
});

describe("sniffFileType", () => {
  it("recognises what people upload instead of a CSV", () => {
    expect(sniffFileType(bytes(0xff, 0xfe, 0x49, 0))).toMatch(/UTF-16/);
    expect(sniffFileType(bytes(0x1f, 0x8b, 8, 0))).toMatch(/gzip/);
    expect(sniffFileType(bytes(0xd0, 0xcf, 0x11, 0xe0))).toMatch(/\.xls/);
    expect(sniffFileType(Buffer.from("Image_Id"))).toBeUndefined();
  });
});
