import { z } from "zod";
import { openZipFile, readZipEntryBytes, forEachZipEntry, zipEntryName, type ZipEntry } from "../zip/open-zip-file";

/**
 * The organizer's feature network as stored in the blob store: a zip of `model.onnx` (the
 * attribute CNN's inference graph with an extra `embedding` output, build-inference-graph.ts) and
 * `feature-network.json` saying how to feed it (NHWC float input named `image`, pixels scaled and
 * standardised like its training images), which output is the embedding and which outputs are the
 * attribute classifier's heads (softmax per attribute, used for the attribute fidelity of
 * conditional generators; bundles from before `heads` was recorded carry them under the
 * attribute names, see extract-image-features.ts). Its SHA-256 is the
 * FeatureNetwork row's and what a phase pins: the same bytes give the same features everywhere.
 */

export const FEATURE_NETWORK_MODEL_FILE = "model.onnx";
export const FEATURE_NETWORK_DESCRIPTION_FILE = "feature-network.json";
export const EMBEDDING_OUTPUT = "embedding";

const headSchema = () => z.object({ output: z.string().min(1), classes: z.array(z.string().min(1)).min(2).max(16) }).strict();

export const featureNetworkDescriptionSchema = z.object({
  input: z.object({
    name: z.string().min(1),
    layout: z.literal("NHWC"),
    scale: z.number().positive(),
    mean: z.array(z.number()).length(3),
    std: z.array(z.number().positive()).length(3),
  }),
  output: z.string().min(1),
  dimensions: z.number().int().min(2).max(4096),
  /**
   * The attribute classifier's outputs: per attribute, the output name and its classes in the
   * output's order ([N, classes] scores, argmax is the prediction). Optional: older bundles
   * lack it.
   */
  heads: z.object({ Gender: headSchema(), Hair_Color: headSchema(), Hair_Type: headSchema() }).strict().optional(),
  /** What training reported; informative only. */
  training: z.record(z.string(), z.unknown()).optional(),
});

export type FeatureNetworkDescription = z.infer<typeof featureNetworkDescriptionSchema>;

export interface FeatureNetworkBundle {
  model: Uint8Array;
  description: FeatureNetworkDescription;
}

/** Reads a feature network zip (the organizer's own file, but still checked: a wrong file must fail clearly). */
export async function readFeatureNetworkBundle(file: string): Promise<FeatureNetworkBundle> {
  const zip = await openZipFile(file);
  try {
    const entries = new Map<string, ZipEntry>();
    await forEachZipEntry(zip, (entry) => {
      entries.set(zipEntryName(entry, { strict: true }), entry);
    });
    const modelEntry = entries.get(FEATURE_NETWORK_MODEL_FILE);
    const descEntry = entries.get(FEATURE_NETWORK_DESCRIPTION_FILE);
    if (!modelEntry || !descEntry)
      throw new Error(
        `${file} is not a feature network bundle (needs ${FEATURE_NETWORK_MODEL_FILE} and ${FEATURE_NETWORK_DESCRIPTION_FILE})`,
      );
    const description = featureNetworkDescriptionSchema.parse(JSON.parse((await readZipEntryBytes(zip, descEntry)).toString("utf8")));
    const model = new Uint8Array(await readZipEntryBytes(zip, modelEntry));
    return { model, description };
  } finally {
    zip.close();
  }
}
