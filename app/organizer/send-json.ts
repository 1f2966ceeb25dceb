/** Browser side of the organizer API: one JSON request, the server's user-facing error on failure. */
export type SendJsonResult = { ok: true; data: unknown } | { ok: false; message: string; details: { field?: string; message: string }[] };

export async function sendJson(url: string, method: "POST" | "PATCH" | "DELETE", body: unknown = {}): Promise<SendJsonResult> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, message: "The server could not be reached. Check your connection and try again.", details: [] };
  }
  const data = (await response.json().catch(() => null)) as {
    error?: { message?: string; details?: { field?: string; message: string }[] };
  } | null;
  if (response.ok) return { ok: true, data };
  return {
    ok: false,
    message: data?.error?.message ?? `The request failed (HTTP ${response.status}).`,
    details: data?.error?.details ?? [],
  };
}
