import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readTensorCacheMeta } from "../dataset/load-tensor-cache";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { readHiddenLabels } from "../dataset/read-hidden-labels";
import type { FeatureExtractor } from "./extract-image-features";

/**
 * Features of the real images a generation score compares against, in the pinned feature
 * network: the train split (memorisation) and the hidden test split with each row's part
 * (public/private). Computing them takes a minute for the 20,000 synthetic portraits, so they are
 * cached under DATA_DIR/generation/features/<feature network sha256>/<build id>/ (float32 files
 * plus a JSON that records what they were made from); a build or network change is a new folder.
 * Written to a temp name and renamed, so a reader never sees half a file.
 */
export interface RealFeatures {
  dimensions: number;
  train: Float32Array;
  trainCount: number;
  test: Float32Array;
  /** Per test row (test.u8 order): "public" or "private". */
  testSplit: ("public" | "private")[];
}

export function realFeaturesDir(dataDir: string, featureNetworkSha256: string, buildId: string): string {
  return path.join(dataDir, "generation", "features", featureNetworkSha256, buildId);
}

export async function loadRealFeatures(options: {
  dataDir: string;
  buildDir: string;
  featureNetworkSha256: string;
  extractor: FeatureExtractor;
  log?: (message: string) => void;
}): Promise<RealFeatures> {
  const { dataDir, buildDir, extractor } = options;
  const buildId = path.basename(buildDir);
  const dir = realFeaturesDir(dataDir, options.featureNetworkSha256, buildId);
  const cacheDir = buildPaths(buildDir).cacheDir;
  const trainMeta = await readTensorCacheMeta(cacheDir, "train");
  const testMeta = await readTensorCacheMeta(cacheDir, "test");
  const hidden = await readHiddenLabels(dataDir, { buildDir });
  const splitOf = new Map(hidden.map((r) => [r.Image_Id, r.Split]));
  const testSplit = testMeta.ids.map((id) => {
    const s = splitOf.get(id);
    if (!s) throw new Error(`test image ${id} has no hidden label row`);
    return s;
  });
  const dims = extractor.dimensions;
  const features = async (name: "train" | "test", count: number) => {
    const file = path.join(dir, `${name}.f32`);
    if (fs.existsSync(file) && fs.statSync(file).size === count * dims * 4) {
      const buf = fs.readFileSync(file);
      return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    }
    options.log?.(`computing the ${name} features of build ${buildId} (${count} images, cached afterwards)`);
    const out = await extractor.extractFile(tensorCachePaths(cacheDir, name).pixels, count);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    fs.renameSync(tmp, file);
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({ count, dimensions: dims, sha256: createHash("sha256").update(new Uint8Array(out.buffer)).digest("hex") }),
    );
    return out;
  };
  const train = await features("train", trainMeta.count);
  const test = await features("test", testMeta.count);
  return { dimensions: dims, train, trainCount: trainMeta.count, test, testSplit };
}
