import sharp from "sharp";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "./platform";
import { KitError } from "./kit-error";

/**
 * PNG bytes -> 108x84x3 RGB bytes, row-major (HWC), the layout the scorer feeds a model with.
 * Grey or RGBA images are converted to RGB (the downloads are RGB already).
 */
export async function decodePortrait(options: { png: Buffer; name: string }): Promise<Uint8Array> {
  const decoded = await sharp(options.png)
    .toColourspace("srgb")
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: Error) => {
      throw new KitError(`${options.name}: not a readable PNG (${e.message}); the download may be damaged, download it again`);
    });
  const { width, height, channels } = decoded.info;
  if (width !== IMAGE_WIDTH || height !== IMAGE_HEIGHT || channels !== 3 || decoded.data.length !== IMAGE_BYTES) {
    throw new KitError(
      `${options.name}: expected a ${IMAGE_WIDTH}x${IMAGE_HEIGHT} RGB image, got ${width}x${height} with ${channels} channels`,
    );
  }
  return new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
}
