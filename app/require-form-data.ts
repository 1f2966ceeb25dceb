import { redirect } from "next/navigation";

/**
 * Form actions receive FormData from their forms. A hand-made POST to the action with other
 * arguments (a JSON array instead of a form) goes back to `page` instead of failing on
 * `formData.get` with a 500 (proxy.ts already refuses bodies that do not decode at all).
 */
export function requireFormData(value: unknown, page: string): asserts value is FormData {
  if (!(value instanceof FormData)) redirect(page);
}
