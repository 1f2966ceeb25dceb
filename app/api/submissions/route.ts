import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { handleRoute } from "@/lib/http/handle-route";
import { createSubmission } from "@/lib/submissions/create-submission";
import { getSubmissionQuota } from "@/lib/submissions/get-submission-quota";
import { listUserSubmissions } from "@/lib/submissions/list-user-submissions";
import { parseUploadRequest } from "@/lib/submissions/parse-upload-request";
import { toSubmissionSummary } from "@/lib/submissions/submission-views";

export const dynamic = "force-dynamic";

/**
 * Upload a submission: the raw file as the body, the fields in the query string and the
 * X-Submission-Manifest header (see lib/submissions/parse-upload-request.ts). The body is
 * streamed into the blob store under the size limit, never buffered: an over-limit
 * Content-Length is refused before reading, a longer body is cut off while it arrives.
 * 201 with the new submission; 400 with line-numbered details; 413; 429 with Retry-After.
 */
export const POST = handleRoute(async (request: Request) => {
  const user = await requireApiUser(request, "submit");
  // The session cookie is SameSite=Lax already; this also refuses cross-site requests from
  // browsers that send it anyway (Fetch Metadata). curl and scripts send no such header.
  if (request.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("forbidden", { user: "Uploads must come from this site." });
  }
  const { input } = parseUploadRequest({
    searchParams: new URL(request.url).searchParams,
    headers: request.headers,
    limits: { maxCsvBytes: env().MAX_CSV_BYTES, maxModelBytes: env().MAX_MODEL_BYTES },
  });
  const stream = request.body ? Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>) : Readable.from([]);
  try {
    const { submission, quota } = await createSubmission({ db: getDb(), userId: user.id, ...input, stream });
    return Response.json(
      { submission: toSubmissionSummary({ ...submission, score: null }), quota },
      { status: 201, headers: { location: `/submissions/${submission.id}`, "cache-control": "no-store" } },
    );
  } finally {
    // Refused before or while reading (quota, too large): stop the upload instead of draining it.
    if (!stream.readableEnded) stream.destroy();
  }
});

/** The signed-in user's submissions (newest first) and today's quota, for polling. */
export const GET = handleRoute(async (request: Request) => {
  const user = await requireApiUser(request, "read");
  const db = getDb();
  const [submissions, quota] = await Promise.all([
    listUserSubmissions({ db, userId: user.id, role: user.role }),
    getSubmissionQuota({ db, userId: user.id, role: user.role }),
  ]);
  return Response.json({ submissions, quota }, { headers: { "cache-control": "no-store" } });
});
