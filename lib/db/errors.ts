/**
 * Recognising Prisma errors by code, on both engines.
 *
 * Each generated client carries its own copy of the Prisma runtime, so
 * `error instanceof Prisma.PrismaClientKnownRequestError` is true only for errors of the
 * client whose namespace you imported. Check the name and code instead, never the message.
 */

export interface PrismaKnownError extends Error {
  name: "PrismaClientKnownRequestError";
  /** e.g. "P2002" unique constraint, "P2025" record not found, "P2003" foreign key. */
  code: string;
  meta?: Record<string, unknown>;
}

export function isPrismaError(error: unknown, code?: string): error is PrismaKnownError {
  if (!(error instanceof Error) || error.name !== "PrismaClientKnownRequestError") return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === "string" && (code === undefined || actual === code);
}

/** A unique constraint was violated (P2002). */
export function isUniqueViolation(error: unknown): error is PrismaKnownError {
  return isPrismaError(error, "P2002");
}

/** The record to update or delete does not exist (P2025). */
export function isNotFound(error: unknown): error is PrismaKnownError {
  return isPrismaError(error, "P2025");
}

/** A foreign key constraint failed (P2003). */
export function isForeignKeyViolation(error: unknown): error is PrismaKnownError {
  return isPrismaError(error, "P2003");
}
