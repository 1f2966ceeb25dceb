import { decodePortrait } from "./decode-portrait";
import { KitError } from "./kit-error";
import type { DownloadSource } from "./locate-downloads";
import { ATTRIBUTES, CLASSES, IMAGES_DIR_NAME, mulberry32, NA, TRAIN_ZIP_CSV_NAME, type Attribute } from "./platform";
import { readDownloadFile, readDownloadFiles } from "./read-download-files";

/** Train images with their labels as class indices (CLASSES order), -1 where the label is n/a. */
export interface TrainSet {
  imageIndices: number[];
  /** 108x84x3 RGB bytes per image. */
  images: Uint8Array[];
  labels: Record<Attribute, Int8Array>;
}

const HEADER = ["Image_Index", ...ATTRIBUTES];
/** PNGs decoded at once (sharp decodes on libuv's thread pool). */
const DECODE_AHEAD = 32;

/**
 * Reads Tiny_Portraits_Attributes.csv and the PNGs of the train download. With `maxImages`, a
 * seeded random subset of the rows is read (quick experiments, small machines: the full train
 * split is about 2.9 GB of pixels).
 */
export async function readTrainSet(options: {
  source: DownloadSource;
  maxImages?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<TrainSet> {
  const csv = await readDownloadFile({ source: options.source, name: TRAIN_ZIP_CSV_NAME });
  if (!csv) throw new KitError(`${describe(options.source)} has no ${TRAIN_ZIP_CSV_NAME} (the labels of the train images)`);
  let rows = parseLabels(csv.toString("utf8"));
  if (options.maxImages !== undefined && options.maxImages < rows.length) {
    const random = mulberry32(options.seed ?? 1);
    const keys = rows.map((r) => ({ r, k: random() }));
    rows = keys
      .sort((a, b) => a.k - b.k)
      .slice(0, options.maxImages)
      .map((x) => x.r)
      .sort((a, b) => a.index - b.index);
  }

  const position = new Map(rows.map((r, i) => [r.index, i]));
  const images = new Array<Uint8Array | undefined>(rows.length);
  let done = 0;
  let inFlight: Promise<void>[] = [];
  await readDownloadFiles({
    source: options.source,
    under: IMAGES_DIR_NAME,
    onFile: async (name, png) => {
      const m = /(?:^|\/)Tiny_Portrait_(\d{6})\.png$/.exec(name);
      const i = m ? position.get(Number(m[1])) : undefined;
      if (i === undefined) return;
      inFlight.push(
        decodePortrait({ png, name }).then((pixels) => {
          images[i] = pixels;
          options.onProgress?.(++done, rows.length);
        }),
      );
      if (inFlight.length >= DECODE_AHEAD) {
        const batch = inFlight;
        inFlight = [];
        await Promise.all(batch);
      }
    },
  });
  await Promise.all(inFlight);

  const missing = rows.filter((_, i) => !images[i]).map((r) => r.index);
  if (missing.length) {
    throw new KitError(
      `${describe(options.source)}: ${missing.length} rows of ${TRAIN_ZIP_CSV_NAME} have no image in ${IMAGES_DIR_NAME}/ (e.g. Image_Index ${missing.slice(0, 5).join(", ")}); the download may be incomplete`,
    );
  }
  const labels = {} as Record<Attribute, Int8Array>;
  for (const a of ATTRIBUTES) labels[a] = Int8Array.from(rows, (r) => r.codes[a]);
  return { imageIndices: rows.map((r) => r.index), images: images as Uint8Array[], labels };
}

interface Row {
  index: number;
  codes: Record<Attribute, number>;
}

function parseLabels(text: string): Row[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0].split(",").map((s) => s.trim());
  if (header.join(",") !== HEADER.join(","))
    throw new KitError(`${TRAIN_ZIP_CSV_NAME}: expected the header ${HEADER.join(",")}, found ${lines[0]}`);
  const rows: Row[] = [];
  lines.slice(1).forEach((line, i) => {
    if (!line.trim()) return;
    const cells = line.split(",").map((s) => s.trim().toLowerCase());
    const codes = {} as Record<Attribute, number>;
    ATTRIBUTES.forEach((a, k) => {
      const value = cells[k + 1];
      codes[a] = value === NA ? -1 : (CLASSES[a] as readonly string[]).indexOf(value ?? "");
      if (codes[a] === -1 && value !== NA) throw new KitError(`${TRAIN_ZIP_CSV_NAME} line ${i + 2}: unknown ${a} value "${value}"`);
    });
    rows.push({ index: Number(cells[0]), codes });
  });
  return rows;
}

const describe = (source: DownloadSource) => (source.kind === "zip" ? source.file : source.dir);
