/**
 * The Tiny Portraits challenge definition: file formats, attribute vocabularies and
 * which labels are scored. Everything that reads or writes labels uses these lists,
 * so the dataset pipeline, the metrics and the submission checks can never disagree.
 */

export const IMAGE_WIDTH = 84;
export const IMAGE_HEIGHT = 108;
export const IMAGE_CHANNELS = 3;
export const IMAGE_BYTES = IMAGE_WIDTH * IMAGE_HEIGHT * IMAGE_CHANNELS;

/** The literal string the dataset uses for "unknown". Never scored. */
export const NA = "n/a";

export const ATTRIBUTES = ["Gender", "Hair_Color", "Hair_Type"] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** Classes a prediction may use, per attribute (the order is the canonical class order). */
export const CLASSES = {
  Gender: ["female", "male"],
  Hair_Color: ["black", "blond", "brown", "gray", "bald"],
  Hair_Type: ["straight", "wavy", "bald"],
} as const satisfies Record<Attribute, readonly string[]>;

export type GenderLabel = (typeof CLASSES.Gender)[number];
export type HairColorLabel = (typeof CLASSES.Hair_Color)[number];
export type HairTypeLabel = (typeof CLASSES.Hair_Type)[number];

/** Values allowed in the dataset CSV: the classes plus `n/a` for the hair attributes. */
export const DATASET_VALUES: Record<Attribute, readonly string[]> = {
  Gender: CLASSES.Gender,
  Hair_Color: [...CLASSES.Hair_Color, NA],
  Hair_Type: [...CLASSES.Hair_Type, NA],
};

export const ATTRIBUTES_CSV_NAME = "Tiny_Portraits_Attributes.csv";
export const ATTRIBUTES_CSV_HEADER = ["Image_Index", "Gender", "Hair_Color", "Hair_Type"] as const;
export const IMAGES_DIR_NAME = "Tiny_Portraits_Images";
export const ZIPS_DIR_NAME = "Tiny_Portraits_Zipfiles";
export const IMAGES_PER_ZIP = 2048;

export const SUBMISSION_CSV_HEADER = ["Image_Id", "Gender", "Hair_Color", "Hair_Type"] as const;

export function imageFileName(index: number): string {
  return `Tiny_Portrait_${String(index).padStart(6, "0")}.png`;
}

export function zipFileName(archive: number): string {
  return `Tiny_Portraits_Archive_${String(archive).padStart(3, "0")}.zip`;
}

/** Parses `Tiny_Portrait_000123.png` (any folder prefix stripped by the caller) to 123. */
export function parseImageFileName(name: string): number | undefined {
  const m = /^Tiny_Portrait_(\d{6})\.png$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** One labelled row of the dataset CSV. */
export interface LabelRow {
  Image_Index: number;
  Gender: GenderLabel;
  Hair_Color: HairColorLabel | typeof NA;
  Hair_Type: HairTypeLabel | typeof NA;
}

/** Fractions of the split: 80% train, 20% test, test halved into public/private. */
export const TEST_FRACTION = 0.2;
export const PUBLIC_FRACTION_OF_TEST = 0.5;

/** Label counts of the real dataset (docs/dataset.md), the synthetic generator's target. */
export const REAL_DATASET = {
  total: 134_734,
  maxIndex: 202_598,
  counts: {
    Gender: { female: 84_232, male: 50_502 },
    Hair_Color: { [NA]: 45_596, black: 32_577, brown: 29_526, blond: 20_530, gray: 4_680, bald: 1_825 },
    Hair_Type: { [NA]: 56_766, wavy: 48_205, straight: 27_373, bald: 2_390 },
  },
  mean: [0.516, 0.412, 0.358],
  std: [0.268, 0.238, 0.229],
} as const;
