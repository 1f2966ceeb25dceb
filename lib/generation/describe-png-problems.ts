import { IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import type { DecodedPortrait } from "../dataset/decode-portrait";

/** One line per generated PNG that did not decode as an 84x108 portrait, named by its file (`names[k]` for `decoded[k]`). */
export function describePngProblems(options: { names: readonly string[]; decoded: readonly DecodedPortrait[] }): string[] {
  return options.decoded.flatMap((d, k) =>
    d.ok
      ? []
      : [
          `${options.names[k]}: ${d.code === "wrong-size" ? `${d.detail} (every image must be ${IMAGE_WIDTH}x${IMAGE_HEIGHT})` : `not a readable PNG (${d.detail})`}`,
        ],
  );
}
