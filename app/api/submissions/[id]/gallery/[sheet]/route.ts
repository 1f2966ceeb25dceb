import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { openGallerySheet, type GallerySheet } from "@/lib/generation/open-gallery-sheet";
import { handleRoute } from "@/lib/http/handle-route";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const dynamic = "force-dynamic";

const SHEETS: Record<string, GallerySheet> = { "samples.png": "samples", "nearest.png": "nearest", "grid.png": "grid" };

/**
 * A generation submission's gallery sheet: `samples.png` (its first 64 generated images),
 * `nearest.png` (the nearest training portrait of each; needs the current terms) or `grid.png`
 * (a conditional generator's samples per requested attribute class; 404 for others). Same access
 * as the submission page (lib/generation/open-gallery-sheet.ts). Private caching only: the
 * images are the viewer's, and a rescore replaces them.
 */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string; sheet: string }> }) => {
  const user = await requireApiUser(request, "read");
  const { id, sheet } = await context.params;
  const which = Object.hasOwn(SHEETS, sheet) ? SHEETS[sheet] : undefined;
  if (!which) throw new AppError("not-found", { user: "There is no such gallery image.", internal: `gallery sheet ${sheet}` });
  const png = await openGallerySheet({
    db: getDb(),
    store: getBlobStore({ db: getDb(), dataDir: env().dataDir }),
    dataDir: env().dataDir,
    submissionId: id,
    user,
    sheet: which,
  });
  return new Response(new Uint8Array(png), {
    headers: {
      "content-type": "image/png",
      "content-length": String(png.length),
      "cache-control": "private, max-age=300",
      "x-content-type-options": "nosniff",
    },
  });
});
