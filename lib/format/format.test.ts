import { describe, expect, it } from "vitest";
import { formatBytes } from "./format-bytes";
import { plural } from "./plural";

describe("formatBytes", () => {
  it("writes decimal SI units with one decimal below 100 and whole numbers above", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1000)).toBe("1.0 kB");
    expect(formatBytes(13_600)).toBe("13.6 kB");
    expect(formatBytes(136_000)).toBe("136 kB");
    expect(formatBytes(135_987)).toBe("136 kB");
    expect(formatBytes(20 * 1024 * 1024)).toBe("21.0 MB");
    expect(formatBytes(244_000_000)).toBe("244 MB");
    expect(formatBytes(2_900_000_000)).toBe("2.9 GB");
  });
  it("never prints 1000 of a unit", () => {
    expect(formatBytes(999_960)).toBe("1.0 MB");
    expect(formatBytes(999_499)).toBe("999 kB");
  });
  it("says unlimited for an infinite limit", () => {
    expect(formatBytes(Infinity)).toBe("unlimited");
  });
});

describe("plural", () => {
  it("uses the singular for exactly one only", () => {
    expect(plural(1, "participant")).toBe("1 participant");
    expect(plural(0, "participant")).toBe("0 participants");
    expect(plural(2, "participant")).toBe("2 participants");
    expect(plural(1234, "entry", "entries")).toBe("1,234 entries");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
  });
});
