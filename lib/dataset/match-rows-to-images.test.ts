import { describe, expect, it } from "vitest";
import { imageFileName } from "../challenge/definition";
import type { ImageRef } from "./image-source";
import { matchRowsToImages } from "./match-rows-to-images";

const file = (relPath: string): ImageRef => ({ kind: "file", relPath });

describe("matchRowsToImages", () => {
  it("flags rows without an image and rows whose image is unusable, on their line; warns about images without a row", () => {
    const duplicate: ImageRef = { ...file("b/x.png"), problem: { code: "duplicate-image", imageIndex: 7, message: "twice" } };
    const images = new Map<number, ImageRef>([
      [1, file("1.png")],
      [7, duplicate],
      ...Array.from({ length: 12 }, (_, i) => [100 + i, file(`${100 + i}.png`)] as [number, ImageRef]),
    ]);
    const { problems, warnings } = matchRowsToImages({
      csv: {
        lineByIndex: new Map([
          [1, 2],
          [4, 3],
          [7, 4],
        ]),
      },
      source: { images },
    });
    expect(problems).toEqual([
      {
        code: "missing-image",
        line: 3,
        imageIndex: 4,
        message: `Tiny_Portraits_Attributes.csv line 3: no image ${imageFileName(4)} for Image_Index 4`,
      },
      { code: "duplicate-image", imageIndex: 7, message: "twice", line: 4 },
    ]);
    expect(warnings).toEqual([
      `12 image(s) have no row in Tiny_Portraits_Attributes.csv and were ignored: ${[100, 101, 102, 103, 104, 105, 106, 107, 108, 109].map(imageFileName).join(", ")}, ... (2 more)`,
    ]);
  });

  it("has nothing to say when every row has its image and every image its row", () => {
    expect(matchRowsToImages({ csv: { lineByIndex: new Map([[1, 2]]) }, source: { images: new Map([[1, file("a.png")]]) } })).toEqual({
      problems: [],
      warnings: [],
    });
  });
});
