import sharp from "sharp";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { decodeRgbPng, isPlainRgb8, parsePngHeader, type PngHeader } from "./decode-rgb-png";
import type { PngWorkerPool } from "./png-worker-pool";

export type DecodedPortrait =
  | { ok: true; pixels: Buffer; /** set when the PNG was not 8-bit RGB and was converted */ conversion?: string }
  | { ok: false; code: "corrupt-image" | "wrong-size"; detail: string };

const COLOR_TYPES: Record<number, string> = { 0: "greyscale", 2: "RGB", 3: "palette", 4: "greyscale+alpha", 6: "RGBA" };

function describeFormat(h: PngHeader): string {
  const name = COLOR_TYPES[h.colorType] ?? `colour type ${h.colorType}`;
  // For palette images the bit depth is the index size, not a colour depth: not worth saying.
  return h.bitDepth === 8 || h.colorType === 3 ? name : `${h.bitDepth}-bit ${name}`;
}

/**
 * Decodes dataset PNGs to 84x108 RGB uint8 (HWC), or says precisely why each cannot be.
 *
 * - wrong size is read from the header, so it is reported as "is WxH" even for broken files;
 * - plain 8-bit RGB goes through the fast decoder (on the worker pool when given); anything
 *   else, and anything the fast decoder rejects, goes through sharp, which has the last word
 *   on whether a file is corrupt;
 * - non-RGB PNGs (RGBA, grey, palette, 16-bit) are converted the way PIL's convert("RGB")
 *   does (alpha dropped, grey replicated), and the conversion is reported as a note;
 * - colour profiles are ignored (ignoreIcc) so the pixels are the stored values, the same a
 *   participant gets from any PNG reader.
 */
export async function decodePortraits(
  list: readonly Buffer[],
  options: { sharpOnly?: boolean; /** run the fast decoder on worker threads */ pool?: PngWorkerPool } = {},
): Promise<DecodedPortrait[]> {
  const results: (DecodedPortrait | undefined)[] = list.map(() => undefined);
  const fast: number[] = [];
  list.forEach((bytes, i) => {
    const header = parsePngHeader(bytes);
    if (!header) {
      results[i] = { ok: false, code: "corrupt-image", detail: "not a PNG file (bad signature or header)" };
    } else if (header.width !== IMAGE_WIDTH || header.height !== IMAGE_HEIGHT) {
      results[i] = {
        ok: false,
        code: "wrong-size",
        detail: `is ${header.width}x${header.height}, expected ${IMAGE_WIDTH}x${IMAGE_HEIGHT}`,
      };
    } else if (isPlainRgb8(header) && !options.sharpOnly) {
      fast.push(i);
    }
  });
  if (fast.length > 0) {
    const pixels = options.pool
      ? await options.pool.decodeMany(fast.map((i) => list[i]))
      : fast.map((i) => {
          try {
            return decodeRgbPng(list[i]).pixels;
          } catch {
            return undefined; // sharp decides below
          }
        });
    fast.forEach((i, k) => {
      if (pixels[k]) results[i] = { ok: true, pixels: pixels[k] };
    });
  }
  await Promise.all(
    results.map(async (r, i) => {
      if (!r) results[i] = await decodeWithSharp(list[i]);
    }),
  );
  return results as DecodedPortrait[];
}

/** One image; see decodePortraits. */
export async function decodePortrait(bytes: Buffer, options: { sharpOnly?: boolean; pool?: PngWorkerPool } = {}): Promise<DecodedPortrait> {
  return (await decodePortraits([bytes], options))[0];
}

async function decodeWithSharp(bytes: Buffer): Promise<DecodedPortrait> {
  const header = parsePngHeader(bytes)!;
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true, failOn: "warning" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== IMAGE_WIDTH || info.height !== IMAGE_HEIGHT || info.channels !== 3 || data.length !== IMAGE_BYTES) {
      return { ok: false, code: "corrupt-image", detail: `decodes to an unexpected ${info.width}x${info.height}x${info.channels} image` };
    }
    const converted = !(header.bitDepth === 8 && header.colorType === 2);
    return { ok: true, pixels: data, conversion: converted ? `converted from ${describeFormat(header)} to RGB` : undefined };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0].trim();
    return { ok: false, code: "corrupt-image", detail: `is truncated or corrupt (${reason})` };
  }
}
