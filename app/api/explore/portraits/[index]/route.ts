import { requireUser } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { getTrainPortraitImage } from "@/lib/explorer/get-train-portrait-image";
import { handleRoute } from "@/lib/http/handle-route";
import { assertTermsAccepted } from "@/lib/terms/assert-terms-accepted";

export const dynamic = "force-dynamic";

/**
 * One training portrait (WebP, 2x) for the data explorer, by Image_Index. Signed-in participants
 * who accepted the terms only; test images are not reachable here (404).
 */
export const GET = handleRoute(async (_request: Request, context: { params: Promise<{ index: string }> }) => {
  const user = await requireUser();
  await assertTermsAccepted({ db: getDb(), userId: user.id });
  const { index } = await context.params;
  const portrait = await getTrainPortraitImage({ dataDir: env().dataDir, imageIndex: index });
  return new Response(new Uint8Array(portrait.image), {
    headers: {
      "content-type": "image/webp",
      // Gated images: the browser may keep them (the page adds ?build= so a new dataset gets new
      // URLs), shared caches may not.
      "cache-control": "private, max-age=86400",
      etag: `"${portrait.buildId}-${index}"`,
      "x-content-type-options": "nosniff",
    },
  });
});
