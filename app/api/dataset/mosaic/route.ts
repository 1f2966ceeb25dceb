import { getMosaicImage } from "@/lib/site/get-mosaic-image";

export const dynamic = "force-dynamic";

/** Public: a fixed random sample of training portraits, like the dataset README's mosaic. */
export async function GET() {
  const mosaic = await getMosaicImage();
  if (!mosaic) return new Response("No dataset is prepared yet.", { status: 404 });
  return new Response(new Uint8Array(mosaic.image), {
    headers: {
      "content-type": "image/webp",
      "cache-control": "public, max-age=300",
      etag: `"${mosaic.buildId}"`,
    },
  });
}
