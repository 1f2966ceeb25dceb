import { AppError } from "../errors/app-error";
import { loadTrainCatalogue } from "./load-train-catalogue";
import { renderTrainPortrait } from "./render-train-portrait";

/**
 * The explorer image of one train portrait by Image_Index (the number in its train zip file name).
 * Only train portraits exist here: a test image's Image_Index, a gap in the numbering or anything
 * that is not a plain number is "not found", exactly like a number that was never used, so the
 * route cannot be used to probe which numbers are in the test split. The caller checks the user
 * may see the data.
 */
export async function getTrainPortraitImage(options: { dataDir: string; imageIndex: string }): Promise<{ buildId: string; image: Buffer }> {
  const notFound = new AppError("not-found", { user: "There is no training portrait with that number." });
  if (!/^\d{1,7}$/.test(options.imageIndex)) throw notFound;
  const catalogue = await loadTrainCatalogue({ dataDir: options.dataDir });
  if (!catalogue) throw new AppError("unavailable", { user: "No dataset is prepared yet.", retryAfterSeconds: 60 });
  const position = catalogue.positionOf(Number(options.imageIndex));
  if (position === undefined) throw notFound;
  const image = await renderTrainPortrait({ pixelsPath: catalogue.pixelsPath, position });
  return { buildId: catalogue.buildId, image };
}
