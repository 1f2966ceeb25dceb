import { getCurrentUser } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { handleRoute } from "@/lib/http/handle-route";
import { getPublicMosaic } from "@/lib/mosaic/get-public-mosaic";

export const dynamic = "force-dynamic";

/** The challenge page's sample mosaic, as PUBLIC_MOSAIC allows (lib/mosaic/get-public-mosaic.ts). */
export const GET = handleRoute(async () => {
  const config = env();
  const user = config.PUBLIC_MOSAIC === "after-terms" ? await getCurrentUser() : null;
  const mosaic = await getPublicMosaic({ db: getDb(), dataDir: config.dataDir, mode: config.PUBLIC_MOSAIC, userId: user?.id ?? null });
  return new Response(new Uint8Array(mosaic.image), {
    headers: {
      "content-type": "image/webp",
      // Gated by the terms: only the viewer's own browser may keep it.
      "cache-control": mosaic.public ? "public, max-age=300" : "private, max-age=300",
      etag: mosaic.etag,
    },
  });
});
