import sharp from "sharp";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { decodeRgbPng, isPlainRgb8, parsePngHeader, type PngHeader } from "./decode-rgb-png";

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
 * Decodes one dataset PNG to 84x108 RGB uint8 (HWC), or says precisely why it cannot.
 *
 * - wrong size is read from the header, so it is reported as "is WxH" even for broken files;
 * - plain 8-bit RGB goes through the fast decoder; anything else, and anything the fast
 *   decoder rejects, goes through sharp, which has the last word on whether a file is corrupt;
 * - non-RGB PNGs (RGBA, grey, palette, 16-bit) are converted the way PIL's convert("RGB")
 *   does (alpha dropped, grey replicated), and the conversion is reported as a note;
 * - colour profiles are ignored (ignoreIcc) so the pixels are the stored values, the same a
 *   participant gets from any PNG reader.
 */
export async function decodePortrait(bytes: Buffer, options: { sharpOnly?: boolean } = {}): Promise<DecodedPortrait> {
  const header = parsePngHeader(bytes);
  if (!header) return { ok: false, code: "corrupt-image", detail: "not a PNG file (bad signature or header)" };
  if (header.width !== IMAGE_WIDTH || header.height !== IMAGE_HEIGHT) {
    return { ok: false, code: "wrong-size", detail: `is ${header.width}x${header.height}, expected ${IMAGE_WIDTH}x${IMAGE_HEIGHT}` };
  }
  const plain = isPlainRgb8(header);
  if (plain && !options.sharpOnly) {
    try {
      const { pixels } = decodeRgbPng(bytes);
      return { ok: true, pixels };
    } catch {
      // fall through: sharp decides
    }
  }
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
