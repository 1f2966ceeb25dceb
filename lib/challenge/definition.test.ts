import { describe, expect, it } from "vitest";
import { imageFileName, parseImageFileName, zipFileName, IMAGE_BYTES } from "./definition";

describe("challenge definition", () => {
  it("names files like the real dataset", () => {
    expect(imageFileName(7)).toBe("Tiny_Portrait_000007.png");
    expect(zipFileName(65)).toBe("Tiny_Portraits_Archive_065.zip");
    expect(parseImageFileName("Tiny_Portrait_202598.png")).toBe(202598);
    expect(parseImageFileName("Tiny_Portrait_12.png")).toBeUndefined();
    expect(IMAGE_BYTES).toBe(27216);
  });
});
