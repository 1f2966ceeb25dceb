import { projectRoot } from "../db/paths";
import { formatBytes } from "../models/limits";
import { buildStarterKit } from "./build-starter-kit";
import { readGuideBlock } from "./read-guide-block";
import { readGuideManifest } from "./read-guide-manifest";

/** What the starter-kit page shows: the download's size and hash, and the guides' manifests. */
export interface StarterKitOverview {
  fileName: string;
  size: string;
  sha256: string;
  fileCount: number;
  typescriptManifest: string;
  onnxManifest: string;
  /** The pytorch guide's torch.onnx.export call. */
  onnxExport: string;
}

export async function getStarterKitOverview(): Promise<StarterKitOverview> {
  const root = projectRoot();
  const kit = await buildStarterKit({ projectRoot: root });
  return {
    fileName: kit.fileName,
    size: formatBytes(kit.bytes.length),
    sha256: kit.sha256,
    fileCount: kit.entries.length,
    typescriptManifest: readGuideManifest({ projectRoot: root, guide: "typescript" }).text.trimEnd(),
    onnxManifest: readGuideManifest({ projectRoot: root, guide: "pytorch" }).text.trimEnd(),
    onnxExport: readGuideBlock({ projectRoot: root, guide: "pytorch", language: "python", containing: "torch.onnx.export" }).trimEnd(),
  };
}
