import "server-only";
import path from "node:path";
import fs from "node:fs/promises";
import { env } from "../env";
import { renderMosaic } from "../mosaic/render-mosaic";

let cache: { buildId: string; png: Buffer } | undefined;

/** The mosaic PNG of the current prepared dataset, rendered once per build and kept in memory. */
export async function getMosaicPng(): Promise<{ buildId: string; png: Buffer } | null> {
  const dir = path.join(env().dataDir, "dataset", "current");
  let meta: { count: number };
  let buildId: string;
  try {
    buildId = JSON.parse(await fs.readFile(path.join(dir, "dataset.json"), "utf8")).buildId;
    meta = JSON.parse(await fs.readFile(path.join(dir, "cache", "train.json"), "utf8"));
  } catch {
    return null;
  }
  if (cache?.buildId === buildId) return cache;
  const png = await renderMosaic({ trainCachePath: path.join(dir, "cache", "train.u8"), count: meta.count, key: buildId });
  cache = { buildId, png };
  return cache;
}
