import type { z } from "zod";
import type { AppErrorDetail } from "./app-error";

/** One user-facing detail per zod issue, named by its field path ("email", "files.0.name"). */
export function zodDetails(error: z.ZodError): AppErrorDetail[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join("."), message: i.message }));
}
