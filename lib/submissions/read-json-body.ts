import { AppError } from "../errors/app-error";

/**
 * The JSON body of a small API request, read with a byte cap: `request.json()` would buffer
 * whatever a client sends. Over the cap is "too-large", unparsable JSON is "validation".
 */
export async function readJsonBody(options: { request: Request; maxBytes: number }): Promise<unknown> {
  const { request, maxBytes } = options;
  const tooLarge = () => new AppError("too-large", { user: `The request body may be at most ${maxBytes} bytes.` });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new AppError("validation", { user: "The request body is not valid JSON." });
  }
}
