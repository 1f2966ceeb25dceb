import { describe, expect, it } from "vitest";
import { formatByteSize } from "./format-byte-size";
import { ifRangeAllowsPartial, parseRangeHeader } from "./parse-range-header";
import { readClientInfo } from "./read-client-info";
import { SOCKET_ADDRESS_HEADER, socketAddressStamp } from "../http/client-address";

describe("parseRangeHeader", () => {
  const size = 1000;
  const parse = (header: string | null) => parseRangeHeader({ header, size });

  it("reads the three single-range forms", () => {
    expect(parse("bytes=0-99")).toEqual({ kind: "partial", start: 0, end: 99 });
    expect(parse("bytes=500-")).toEqual({ kind: "partial", start: 500, end: 999 });
    expect(parse("bytes=-100")).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(parse("bytes=999-999")).toEqual({ kind: "partial", start: 999, end: 999 });
    expect(parse(" Bytes = 10 - 19 ")).toEqual({ kind: "partial", start: 10, end: 19 });
  });

  it("clamps ranges that run past the end", () => {
    expect(parse("bytes=900-5000")).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(parse("bytes=-5000")).toEqual({ kind: "partial", start: 0, end: 999 });
    expect(parse("bytes=0-99999999999999999999999")).toEqual({ kind: "partial", start: 0, end: 999 });
  });

  it("is unsatisfiable when the range starts past the end, or asks for the last 0 bytes", () => {
    expect(parse("bytes=1000-")).toEqual({ kind: "unsatisfiable" });
    expect(parse("bytes=1000-2000")).toEqual({ kind: "unsatisfiable" });
    expect(parse("bytes=-0")).toEqual({ kind: "unsatisfiable" });
    expect(parseRangeHeader({ header: "bytes=-10", size: 0 })).toEqual({ kind: "unsatisfiable" });
  });

  it("serves the whole file for no header, other units, nonsense and several ranges", () => {
    for (const header of [
      null,
      "",
      "items=0-9",
      "bytes=",
      "bytes=-",
      "bytes=abc",
      "bytes=5-2",
      "bytes=0-9,20-29",
      "bytes=-1,-2",
      "bytes=0x10-",
    ]) {
      expect(parse(header), String(header)).toEqual({ kind: "full" });
    }
  });
});

describe("ifRangeAllowsPartial", () => {
  const etag = `"${"a".repeat(64)}"`;
  it("resumes only for the same strong ETag", () => {
    expect(ifRangeAllowsPartial({ ifRange: null, etag })).toBe(true);
    expect(ifRangeAllowsPartial({ ifRange: etag, etag })).toBe(true);
    expect(ifRangeAllowsPartial({ ifRange: `"${"b".repeat(64)}"`, etag })).toBe(false);
    expect(ifRangeAllowsPartial({ ifRange: `W/${etag}`, etag })).toBe(false);
    expect(ifRangeAllowsPartial({ ifRange: "Sat, 28 Nov 2026 08:00:00 GMT", etag })).toBe(false);
  });
});

describe("helpers", () => {
  it("formats sizes like a file manager", () => {
    expect(formatByteSize(269)).toBe("269 B");
    expect(formatByteSize(10_237)).toBe("10.2 kB");
    expect(formatByteSize(18_276_863)).toBe("18.3 MB");
    expect(formatByteSize(2_900_000_000)).toBe("2.9 GB");
  });

  it("records the socket address, not the client's own X-Forwarded-For claim", () => {
    const headers = new Headers({
      "x-forwarded-for": "203.0.113.7",
      [SOCKET_ADDRESS_HEADER]: socketAddressStamp("198.51.100.2"),
      "user-agent": "curl/8",
    });
    expect(readClientInfo(headers)).toEqual({ ip: "198.51.100.2", userAgent: "curl/8" });
    expect(readClientInfo(new Headers({ "x-forwarded-for": "203.0.113.7" }))).toEqual({ ip: "", userAgent: "" });
  });
});
