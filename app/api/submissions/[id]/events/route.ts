import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { watchSubmissionStatus } from "@/lib/submissions/watch-submission-status";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events: `event: status` with the submission's status now and at each change,
 * then the stream ends once it is scored or failed (or after 5 minutes: EventSource then
 * reconnects by itself). Comment lines every 15 s keep proxies from closing an idle stream.
 * 404 for someone else's submission, before any byte of the stream.
 */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "read");
  const { id } = await context.params;
  const abort = new AbortController();
  request.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const statuses = watchSubmissionStatus({ db: getDb(), submissionId: id, user, signal: abort.signal });
  // The first read happens here so that "not found" is an ordinary 404 answer, not a broken stream.
  const first = await statuses.next();
  const encoder = new TextEncoder();
  const event = (status: string) => encoder.encode(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(": heartbeat\n\n")), HEARTBEAT_MS);
      try {
        if (!first.done) controller.enqueue(event(first.value));
        for await (const status of statuses) controller.enqueue(event(status));
        controller.enqueue(encoder.encode("event: end\ndata: {}\n\n"));
      } catch {
        // A database hiccup ends the stream; the client falls back to reconnecting.
      } finally {
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      }
    },
    cancel() {
      clearInterval(heartbeat);
      abort.abort();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
});
