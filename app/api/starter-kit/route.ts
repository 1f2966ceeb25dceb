import { handleRoute } from "@/lib/http/handle-route";
import { buildStarterKit } from "@/lib/starter-kit/build-starter-kit";

export const dynamic = "force-dynamic";

/**
 * The participant starter kit (training script, PyTorch guide, no images), public. The SHA-256
 * of the deterministic zip is the ETag, so a browser or script asking again gets a 304.
 */
export const GET = handleRoute(async (request: Request) => {
  const kit = await buildStarterKit();
  const etag = `"${kit.sha256}"`;
  const headers = { etag, "cache-control": "public, max-age=300" };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(kit.bytes), {
    headers: {
      ...headers,
      "content-type": "application/zip",
      "content-length": String(kit.bytes.length),
      "content-disposition": `attachment; filename="${kit.fileName}"`,
    },
  });
});
