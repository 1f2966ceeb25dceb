import { isAppError, type AppError } from "../lib/errors/app-error";

/** The AppError an operation rejected with (fails the test if it resolved or threw something else). */
export async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

/** The code of the AppError an operation rejected with, or undefined when it resolved. */
export async function appErrorCodeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return error.code;
  }
}
