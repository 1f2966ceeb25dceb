import fs from "node:fs";
import path from "node:path";
import { IMAGES_DIR_NAME, ZIPS_DIR_NAME } from "../challenge/definition";
import { DatasetError } from "./dataset-error";
import type { ImageSource } from "./image-source";
import { openFolderImageSource } from "./open-folder-image-source";
import { openZipImageSource } from "./open-zip-image-source";

/**
 * Finds the images of a source folder without reading them: either `Tiny_Portraits_Images/`
 * (loose PNGs, openFolderImageSource) or `Tiny_Portraits_Zipfiles/*.zip` (the published
 * archives, openZipImageSource). Only names are read here, so this is cheap and lets the
 * caller match images to CSV rows and compute the split before decoding anything.
 */
export async function openImageSource(
  sourceDir: string,
  options: { /** Zips larger than this are read entry by entry (tests set 0). */ maxZipBytesInMemory?: number } = {},
): Promise<ImageSource> {
  const imagesDir = path.join(sourceDir, IMAGES_DIR_NAME);
  const zipsDir = path.join(sourceDir, ZIPS_DIR_NAME);
  const hasFolder = isDirectory(imagesDir);
  const zipNames = isDirectory(zipsDir)
    ? fs
        .readdirSync(zipsDir)
        .filter((n) => n.toLowerCase().endsWith(".zip"))
        .sort()
    : [];

  if (hasFolder) {
    const source = await openFolderImageSource(imagesDir);
    if (source.images.size > 0 || zipNames.length === 0) {
      if (zipNames.length > 0) {
        source.warnings.unshift(`both ${IMAGES_DIR_NAME}/ and ${ZIPS_DIR_NAME}/ exist; used ${IMAGES_DIR_NAME}/ and ignored the zips`);
      }
      return source;
    }
  }
  if (zipNames.length > 0) return openZipImageSource({ zipsDir, zipNames, maxZipBytesInMemory: options.maxZipBytesInMemory });
  throw new DatasetError(
    "missing-images",
    `no images in ${sourceDir}: expected a folder ${IMAGES_DIR_NAME}/ with Tiny_Portrait_000000.png files, or ${ZIPS_DIR_NAME}/ with Tiny_Portraits_Archive_000.zip files`,
  );
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
