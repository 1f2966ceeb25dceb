import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { handleRoute } from "@/lib/http/handle-route";
import { MANIFEST_HEADER } from "@/lib/submissions/parse-upload-request";
import { getVerificationForOwner } from "@/lib/verification/get-verification-for-owner";
import { uploadVerificationFiles } from "@/lib/verification/upload-verification-files";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

/** The owner's view of their submission's verification (404 for anyone else's, or when none was requested). */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "read");
  const { id } = await context.params;
  return Response.json(
    { verification: await getVerificationForOwner({ db: getDb(), submissionId: id, userId: user.id }) },
    { headers: NO_STORE },
  );
});

/**
 * The owner uploads one verification file as the raw body: `?part=code&fileName=train.tar.gz` or
 * `?part=model&fileName=model.zip` (a bare .onnx sends its manifest base64-encoded in the
 * X-Submission-Manifest header, like a submission upload).
 */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "submit");
  if (request.headers.get("sec-fetch-site") === "cross-site")
    throw new AppError("forbidden", { user: "Uploads must come from this site." });
  const { id } = await context.params;
  const encoded = request.headers.get(MANIFEST_HEADER)?.trim();
  if (encoded && !/^[A-Za-z0-9+/_-]+=*$/.test(encoded))
    throw new AppError("validation", {
      user: "The manifest could not be read.",
      details: [{ field: "manifestJson", message: `send it base64-encoded in ${MANIFEST_HEADER}` }],
    });
  const stream = request.body ? Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>) : Readable.from([]);
  try {
    const v = await uploadVerificationFiles({
      db: getDb(),
      userId: user.id,
      submissionId: id,
      query: Object.fromEntries(new URL(request.url).searchParams),
      stream,
      manifestJson: encoded ? Buffer.from(encoded, "base64").toString("utf8") : undefined,
    });
    return Response.json({ status: v.status }, { status: 201, headers: NO_STORE });
  } finally {
    if (!stream.readableEnded) stream.destroy();
  }
});
