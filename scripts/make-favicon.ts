/**
 * Writes app/favicon.ico from app/icon.svg: browsers ask for /favicon.ico whatever the page
 * links, and without one every first visit logs a 404. Run after changing the icon:
 * `npx tsx scripts/make-favicon.ts`. The .ico holds 16, 32 and 48 px PNGs (allowed since Vista).
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

const SIZES = [16, 32, 48];

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "..");
  const svg = fs.readFileSync(path.join(root, "app", "icon.svg"));
  const pngs = await Promise.all(
    SIZES.map((size) =>
      sharp(svg, { density: 72 * (size / 32) * 4 })
        .resize(size, size)
        .png()
        .toBuffer(),
    ),
  );
  // ICONDIR (6 bytes), one 16-byte ICONDIRENTRY per image, then the PNGs.
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach((png, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(SIZES[i] % 256, entry); // width (0 would mean 256)
    header.writeUInt8(SIZES[i] % 256, entry + 1); // height
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  const out = path.join(root, "app", "favicon.ico");
  fs.writeFileSync(out, Buffer.concat([header, ...pngs]));
  console.log(`wrote ${path.relative(root, out)} (${offset} bytes, ${SIZES.join("/")} px)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
