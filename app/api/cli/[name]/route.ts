import { handleRoute } from "@/lib/http/handle-route";
import { readCliClient } from "@/lib/starter-kit/read-cli-client";

export const dynamic = "force-dynamic";

/** The participant CLIs (tp.mjs, tp.py), public, as downloads. The SHA-256 is the ETag and is sent for checking. */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ name: string }> }) => {
  const client = readCliClient({ name: (await context.params).name });
  const etag = `"${client.sha256}"`;
  const headers = { etag, "cache-control": "public, max-age=300", "x-content-sha256": client.sha256 };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(client.bytes), {
    headers: { ...headers, "content-type": client.contentType, "content-disposition": `attachment; filename="${client.name}"` },
  });
});
